/**
 * Open event streams by video, so that deleting a video or stopping the server ends them (an SSE response otherwise
 * lasts until its video is ready, and an open one would hold `close()` forever).
 */
export type StreamEnd = (reason: 'deleted' | 'shutdown') => void;

export class EventStreams {
  private readonly open = new Map<string, Set<StreamEnd>>();

  add(videoId: string, end: StreamEnd): () => void {
    let set = this.open.get(videoId);
    if (!set) {
      set = new Set();
      this.open.set(videoId, set);
    }
    set.add(end);
    return () => {
      set.delete(end);
      if (set.size === 0 && this.open.get(videoId) === set) this.open.delete(videoId);
    };
  }

  /** Ends the streams of one video, or all of them. */
  end(reason: 'deleted' | 'shutdown', videoId?: string): void {
    const sets = videoId ? [this.open.get(videoId)] : [...this.open.values()];
    for (const set of sets) for (const end of [...(set ?? [])]) end(reason);
  }

  get size(): number {
    let n = 0;
    for (const set of this.open.values()) n += set.size;
    return n;
  }
}
