import type { BuildResult } from 'esbuild';

export declare const DIST: string;
export declare function buildPlayer(options?: { minify?: boolean; outdir?: string }): Promise<BuildResult>;
