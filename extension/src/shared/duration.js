// A duration in a parent's words: minutes under an hour, hours from an hour
// on ("3 giờ", not "180 phút"). Pure; the caller passes its `t`.

/** @typedef {(key: string, subs?: string | string[]) => string} T */

/** @param {number} minutes @param {T} t @returns {string} */
export function formatDuration(minutes, t) {
  const m = Math.max(0, Math.round(minutes));
  if (m < 60) return m === 1 ? t('durMinute') : t('durMinutes', String(m));
  const h = Math.floor(m / 60);
  const rest = m % 60;
  if (rest) return t('durHoursMinutes', [String(h), String(rest)]);
  return h === 1 ? t('durHour') : t('durHours', String(h));
}
