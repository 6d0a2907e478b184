// @ts-check
/**
 * The result: the checker's answer, put into the <template>s the build made. Only the checker's
 * words go in, always as text (textContent), never as markup.
 */

function fillSlots(element, values) {
  const slots = [...element.querySelectorAll("[data-slot]")];
  if (element.matches("[data-slot]")) slots.unshift(element);
  for (const slot of slots) {
    const name = slot.dataset.slot;
    if (name in values && typeof values[name] !== "object") slot.textContent = String(values[name]);
  }
}

function item(root, kind, values) {
  const template = root.querySelector(`template[data-item="${kind}"]`);
  const element = template.content.firstElementChild.cloneNode(true);
  fillSlots(element, values);
  return element;
}

function list(result, name, elements) {
  const holder = result.querySelector(`[data-list="${name}"]`);
  holder?.replaceChildren(...elements);
  const part = result.querySelector(`[data-part="${name}"]`);
  if (part) part.hidden = elements.length === 0;
}

function texts(value) {
  return Array.isArray(value) ? value.map(String) : [];
}

/** The checker's mailto link, but only if it goes to the address the page was built with. */
function safeMailto(root, email) {
  const fallback = root.querySelector("[data-fallback-email]")?.getAttribute("href") || "";
  const address = fallback.startsWith("mailto:") ? fallback.slice(7).split("?")[0] : "";
  const mailto = email && typeof email.mailto === "string" ? email.mailto : "";
  return address && mailto.startsWith(`mailto:${address}?`) ? mailto : fallback;
}

/**
 * Answers judged as of another day than today (a link carries the day the customer asked): say
 * which day, and what today would answer when it differs, beside that day's verdict, never in
 * its place. The link to check as of today is the same answers without their day.
 */
function showChecked(result, data) {
  const part = result.querySelector('[data-part="checked"]');
  if (!part) return;
  const checked = data.checked && typeof data.checked === "object" ? data.checked : null;
  part.hidden = !checked;
  if (!checked) return;
  const today = checked.today && typeof checked.today === "object" ? checked.today : null;
  fillSlots(part, { checked: checked.text || "", checked_today: today ? today.text || "" : "" });
  part.querySelector('[data-slot="checked_today"]').hidden = !today;
  const query = new URLSearchParams(String(data.link || "").replace(/^#check\?/, ""));
  query.delete("request_date");
  part.querySelector("[data-check-today]").setAttribute("href", `#check?${query}`);
}

/** Put ``data`` (the checker's result) into the result view of ``root``. Support's answers
 * have no "Change" link: only support changes them. ``words``: the page's words by key. */
export function showResult(root, data, supportFields, words = {}) {
  const result = root.querySelector("[data-result]");
  const verdict = result.querySelector("[data-verdict]");
  verdict.dataset.verdict = String(data.verdict || "");
  // Coloured by its role (the policy file's: positive, negative, review, neutral), never by id.
  verdict.dataset.role = String(data.role || "neutral");
  const policy = data.policy && typeof data.policy === "object" ? data.policy : {};
  const newer = policy.newer && typeof policy.newer === "object" ? policy.newer : null;
  fillSlots(result, {
    title: data.title || "",
    summary: data.summary || "",
    timing: data.timing || "",
    processing_time: data.processing_time || "",
    applied: policy.applied || "",
    newer: (newer && newer.text) || "",
  });
  result.querySelector('[data-part="newer"]').hidden = !newer;
  showChecked(result, data);
  // A link to the version the answer followed, when it has its own page (an earlier one).
  const versionSlot = result.querySelector("[data-version-link-slot]");
  let pages;
  try {
    pages = JSON.parse(result.dataset.versionUrls || "{}");
  } catch {
    pages = {};
  }
  // An earlier version's own page: the clauses link to its words, not to today's.
  const page = typeof policy.effective === "string" ? pages[policy.effective] : undefined;
  if (typeof page === "string") {
    const link = root.querySelector("template[data-item=version-link]").content.firstElementChild;
    const made = link.cloneNode(true);
    made.setAttribute("href", page);
    versionSlot.replaceChildren(made);
  } else {
    versionSlot.replaceChildren();
  }
  result.querySelector('[data-part="processing_time"]').hidden = !data.processing_time;
  result.querySelector('[data-slot="mailto"]').setAttribute("href", safeMailto(root, data.email));

  const clauses = Array.isArray(data.clauses) ? data.clauses : [];
  list(
    result,
    "clauses",
    clauses.map((clause) => {
      const which = String(words.read_clause_which || "").replace("{text}", String(clause.text));
      const element = item(root, "clauses", {
        effect_text: clause.effect_text,
        text: clause.text,
        which,
      });
      element.dataset.role = String((clause && clause.role) || "neutral");
      const link = element.querySelector('[data-slot="link"]');
      const id = String((clause && clause.id) || "");
      if (!/^[a-z0-9-]+$/.test(id)) link.remove();
      else if (typeof page === "string") link.href = `${page}#${id}`;
      else if (document.getElementById(id)) link.href = `#${id}`;
      else link.remove();
      return element;
    }),
  );
  // A warning and a note link to where their words are, on the page of the version that judged.
  const at = (anchor) => {
    const id = String(anchor || "");
    if (!/^[a-z0-9_-]+$/.test(id)) return null;
    if (typeof page === "string") return `${page}#${id}`;
    return document.getElementById(id) ? `#${id}` : null;
  };
  for (const [name, links] of [["warnings", "warning_links"], ["notes", "note_links"]]) {
    const anchors = Array.isArray(data[links]) ? data[links] : [];
    list(
      result,
      name,
      texts(data[name]).map((text, index) => {
        const element = item(root, "quoted", {
          text,
          which: String(words.read_quote_which || "").replace("{text}", text),
        });
        const link = element.querySelector('[data-slot="link"]');
        const href = at(anchors[index]);
        if (href) link.href = href;
        else link.remove();
        return element;
      }),
    );
  }
  for (const name of ["missing_questions", "support_checks"]) {
    list(result, name, texts(data[name]).map((text) => item(root, "text", { text })));
  }
  const alternatives = Array.isArray(data.alternatives) ? data.alternatives : [];
  list(
    result,
    "alternatives",
    alternatives.map((alternative) => item(root, "text", { text: alternative.text })),
  );
  const recap = Array.isArray(data.recap) ? data.recap : [];
  list(
    result,
    "recap",
    recap.map((line) => {
      const element = item(root, "recap", { question: line.question, answer: line.answer });
      const change = element.querySelector("[data-change]");
      const field = String(line.field || "");
      if (supportFields.includes(field)) change.closest("dd").remove();
      else change.dataset.change = field;
      return element;
    }),
  );
  const area = result.querySelector("[data-copy-area]");
  area.hidden = true;
  area.value = "";
  result.querySelector("[data-result-status]").textContent = "";
}

/** Copy the checker's plain-text summary; where the browser refuses, select it for the visitor.
 * ``say(key)`` puts the outcome into the result's own status, which is seen and heard. */
export function copySummary(root, text, say) {
  const area = root.querySelector("[data-copy-area]");
  const byHand = () => {
    area.value = text;
    area.hidden = false;
    say("copy_by_hand"); // first: the box is described by it when it takes focus
    area.focus();
    area.select();
  };
  if (!navigator.clipboard || typeof navigator.clipboard.writeText !== "function") {
    byHand();
    return;
  }
  navigator.clipboard.writeText(text).then(() => {
    area.hidden = true;
    say("copied");
  }, byHand);
}
