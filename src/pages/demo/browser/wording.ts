export function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** "45 seconds", "3 minutes", "2 hours": rounded up, so a wait is never shown shorter than it is. */
export function duration(seconds: number): string {
  if (seconds < 90) return plural(seconds, 'second', 'seconds');
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 90) return plural(minutes, 'minute', 'minutes');
  return plural(Math.ceil(minutes / 60), 'hour', 'hours');
}
