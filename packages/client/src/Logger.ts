// Console logger for one meeting: quiet unless the app passed `debugMode: true`; warnings always show.
export class Logger {
  constructor(
    private readonly enabled: boolean,
    private readonly scope = 'roomkit',
  ) {}

  debug(...args: unknown[]): void {
    if (this.enabled) console.debug(`[${this.scope}]`, ...args);
  }

  warn(...args: unknown[]): void {
    console.warn(`[${this.scope}]`, ...args);
  }
}
