/** devName: a kernel dev_t (major << 20 | minor) as the `major:minor` text users know (`7:2`). */
export function devName(dev: number): string {
  return `${Math.floor(dev / 1048576)}:${dev % 1048576}`;
}
