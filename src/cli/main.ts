/** The `lirn` command. Each subcommand lives in its own module under src/cli/commands/. */
const USAGE = `lirn — Latent-INR video codec

usage: lirn <command> [options]

commands:
  help                 this text
`;

export async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return 0;
  }
  process.stderr.write(`lirn: unknown command '${command}'\n${USAGE}`);
  return 2;
}
