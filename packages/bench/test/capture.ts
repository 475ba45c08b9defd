// An output stream that keeps what is written, for CLI tests.
export function capture(isTTY = false): {
  write(text: string): boolean;
  readonly isTTY: boolean;
  text(): string;
} {
  let out = '';
  return {
    isTTY,
    write(text: string) {
      out += text;
      return true;
    },
    text: () => out,
  };
}
