export async function main(argv: string[], invokedAs: string): Promise<number> {
  console.log('hello', argv, invokedAs);
  return 0;
}
