// @ts-check
/**
 * The runtime's download, shown: a <progress> bar and its words in each [data-progress] block of
 * the widget, and now and then (each quarter) a sentence for the status that screen readers hear.
 */

const MB = 1_000_000;

/** "1.2" (megabytes, one decimal, never "0.0" for something that has started). */
export function megabytes(bytes) {
  const value = bytes / MB;
  return value > 0 && value < 0.1 ? "0.1" : value.toFixed(1);
}

/** The words for ``progress`` ({received, total} bytes), from the page's template. */
export function progressWords(progress, template, done) {
  if (!progress) return "";
  if (progress.received >= progress.total) return done;
  return template
    .replace("{received}", megabytes(progress.received))
    .replace("{total}", megabytes(progress.total));
}

/** Which quarter of the download has arrived (0 to 4): announced once each. */
export function quarter(progress) {
  if (!progress || progress.total <= 0) return 0;
  return Math.min(4, Math.floor((4 * progress.received) / progress.total));
}

/** Draw ``progress`` in every progress block of ``root`` (hidden unless ``loading``). */
export function showProgress(root, progress, loading, words) {
  const text = progressWords(progress, words.progress || "", words.progress_done || "");
  for (const block of root.querySelectorAll("[data-progress]")) {
    block.hidden = !loading || !progress;
    if (block.hidden) continue;
    const bar = block.querySelector("progress");
    const percent = Math.min(100, Math.round((100 * progress.received) / progress.total));
    bar.value = percent;
    bar.setAttribute("aria-valuetext", text);
    const words = block.querySelector("[data-progress-text]");
    if (words.textContent !== text) words.textContent = text;
  }
  return text;
}
