// Applies the reader's chosen theme before the page is drawn, so that it
// never flashes in the other one. Loaded in <head>, without defer; site.js
// adds the toggle that makes the choice.
try {
	var theme = localStorage.getItem("notebook-theme");
	if (theme === "light" || theme === "dark") {
		document.documentElement.setAttribute("data-theme", theme);
	}
} catch (e) {
	// Storage may be disabled; the system's colour scheme applies.
}
