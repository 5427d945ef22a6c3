// Small progressive enhancements. Every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // Forms marked data-autosubmit send themselves when a select changes (the language switch);
  // their submit button stays for keyboard and no-JS users but is hidden once JS runs.
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.classList.add("js-autosubmit");
    form.querySelectorAll("select").forEach(function (select) {
      select.addEventListener("change", function () { form.submit(); });
    });
  });
});
