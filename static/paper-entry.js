// Paper entry: Enter moves to the next field as Tab does (in a text area it is a line
// break); on the save button it submits. Without this script Enter submits, and the server
// refuses a sheet with a question not keyed.
"use strict";
document.addEventListener("keydown", (event) => {
  const field = event.target;
  if (event.key !== "Enter" || event.isComposing || !field.form) return;
  if (!field.form.classList.contains("paper-entry")) return;
  if (field.tagName !== "INPUT" && field.tagName !== "SELECT") return;
  const order = Array.from(field.form.elements).filter(
    (e) => !e.disabled && e.type !== "hidden" && e.tabIndex >= 0,
  );
  const next = order[order.indexOf(field) + 1];
  if (!next) return;
  event.preventDefault();
  next.focus();
});
