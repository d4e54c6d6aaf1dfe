// A refused form: bring its first invalid field into view and focus it, so the error is
// never below the fold; the summary at the top (templates/_form.html) lists them all.
document.addEventListener("DOMContentLoaded", function () {
  var first = document.querySelector("[aria-invalid=true]");
  if (!first) return;
  var closed = first.closest("details:not([open])");
  if (closed) closed.open = true;
  first.scrollIntoView({block: "center"});
  first.focus({preventScroll: true});
});
// A link of the summary focuses its field (a plain #anchor only scrolls).
document.addEventListener("click", function (event) {
  var link = event.target.closest(".error-summary a[href^='#']");
  if (!link) return;
  var target = document.getElementById(link.getAttribute("href").slice(1));
  if (!target) return;
  event.preventDefault();
  var field = target.matches("input,select,textarea") ? target : target.querySelector("input,select,textarea");
  (field || target).scrollIntoView({block: "center"});
  (field || target).focus({preventScroll: true});
});
