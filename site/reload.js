// The development server adds this script to every page: it reloads the
// page after a rebuild and shows a failed build's error over the page, as
// text.
(function () {
  var es = new EventSource("/_notebook/events");
  es.addEventListener("reload", function () { location.reload(); });
  es.addEventListener("failed", function (e) {
    var box = document.getElementById("notebook-build-error");
    if (!box) {
      box = document.createElement("pre");
      box.id = "notebook-build-error";
      box.setAttribute("role", "alert");
      var st = box.style;
      st.position = "fixed"; st.inset = "1rem"; st.zIndex = "1000"; st.margin = "0";
      st.padding = "1rem"; st.overflow = "auto"; st.whiteSpace = "pre-wrap";
      st.background = "#fff5f5"; st.color = "#6e0000"; st.border = "2px solid #c00";
      document.body.prepend(box);
    }
    box.textContent = "Build failed; showing the last good build.\n\n" + e.data;
  });
})();
