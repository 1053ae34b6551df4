// hashicorp/go-multierror's default text (ListFormatFunc), which upstream's error responses carry
// wherever it aggregates failures: WAL rollback sweeps, role validation, static-role rotation.

/** "1 error occurred:\n\t* a\n\n" or "2 errors occurred:\n\t* a\n\t* b\n\n". */
export function multiErrorText(messages: readonly string[]): string {
  const heading = messages.length === 1 ? "1 error occurred:" : `${messages.length} errors occurred:`;
  return `${heading}\n\t${messages.map((m) => `* ${m}`).join("\n\t")}\n\n`;
}
