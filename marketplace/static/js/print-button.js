// Buttons marked data-print open the browser's print dialogue (no inline script: CSP).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function (event) {
    event.preventDefault();
    window.print();
  });
});
