// 打印存折: a button instead of an inline handler (the CSP forbids inline scripts).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
