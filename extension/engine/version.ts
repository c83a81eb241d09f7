/** The iolens version, as in package.json (kept in sync by a unit test). */
export const VERSION = '0.5.0';
