// Progressive enhancements for the notebook's pages: each page works
// without this script, which adds a theme toggle, copy buttons, keyboard
// navigation, in-browser search, and Run and Edit on the Go programs that
// can run in the browser. It makes no request to other hosts.
(function () {
	"use strict";

	var root = document.documentElement;
	var themeKey = "notebook-theme";

	// Theme toggle: follows the system until the reader chooses, then
	// remembers the choice (theme.js applies it on every page).
	function setupTheme() {
		var button = document.querySelector(".theme-toggle");
		if (!button) {
			return;
		}
		var system = window.matchMedia("(prefers-color-scheme: dark)");
		function current() {
			var t = root.getAttribute("data-theme");
			if (t === "light" || t === "dark") {
				return t;
			}
			return system.matches ? "dark" : "light";
		}
		function sync() {
			var dark = current() === "dark";
			button.setAttribute("aria-pressed", dark ? "true" : "false");
			button.title = dark ? "Switch to the light theme" : "Switch to the dark theme";
		}
		button.addEventListener("click", function () {
			var next = current() === "dark" ? "light" : "dark";
			root.setAttribute("data-theme", next);
			try {
				localStorage.setItem(themeKey, next);
			} catch (e) {
				// Not remembered, but applied to this page.
			}
			sync();
		});
		if (system.addEventListener) {
			system.addEventListener("change", sync);
		}
		sync();
		button.hidden = false;
	}

	// Copy buttons on every code block and output.
	function copyText(text) {
		if (navigator.clipboard && window.isSecureContext) {
			return navigator.clipboard.writeText(text);
		}
		return new Promise(function (resolve, reject) {
			var area = document.createElement("textarea");
			area.value = text;
			area.setAttribute("readonly", "");
			area.className = "offscreen";
			document.body.appendChild(area);
			area.select();
			var ok = false;
			try {
				ok = document.execCommand("copy");
			} catch (e) {
				ok = false;
			}
			document.body.removeChild(area);
			if (ok) {
				resolve();
			} else {
				reject(new Error("copy failed"));
			}
		});
	}

	function setupCopy() {
		var blocks = document.querySelectorAll(".codeblock");
		Array.prototype.forEach.call(blocks, function (block) {
			var head = block.querySelector(".code-head");
			var pre = block.querySelector(":scope > pre");
			if (!head || !pre) {
				return;
			}
			var lang = head.querySelector(".lang");
			var what = lang ? lang.textContent : "code";
			var button = document.createElement("button");
			button.type = "button";
			button.className = "copy";
			button.textContent = "Copy";
			button.setAttribute("aria-label", what === "Output" ? "Copy the output" : "Copy the " + what + " code");
			var status = document.createElement("span");
			status.className = "visually-hidden";
			status.setAttribute("role", "status");
			var timer = 0;
			function show(label, cls) {
				button.textContent = label;
				button.classList.remove("copied", "failed");
				if (cls) {
					button.classList.add(cls);
				}
				status.textContent = cls === "copied" ? "Copied" : cls === "failed" ? "Copy failed: select the text and copy it" : "";
				clearTimeout(timer);
				timer = setTimeout(function () {
					button.textContent = "Copy";
					button.classList.remove("copied", "failed");
					status.textContent = "";
				}, 2000);
			}
			button.addEventListener("click", function () {
				copyText(pre.textContent).then(function () {
					show("Copied", "copied");
				}, function () {
					var range = document.createRange();
					range.selectNodeContents(pre);
					var sel = window.getSelection();
					sel.removeAllRanges();
					sel.addRange(range);
					show("Press Ctrl+C", "failed");
				});
			});
			head.appendChild(button);
			head.appendChild(status);
		});
	}

	// Keys: left and right arrows for the previous and next note, "/" to
	// search. Ignored while typing, with modifiers, or in scrollable code.
	function setupKeys() {
		document.addEventListener("keydown", function (e) {
			if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || e.isComposing) {
				return;
			}
			var t = e.target;
			if (t && t.closest && t.closest("input, textarea, select, button, pre, [contenteditable]")) {
				return;
			}
			if (e.key === "/") {
				var box = document.getElementById("q") || document.getElementById("site-search-q");
				if (box) {
					e.preventDefault();
					box.focus();
					box.select();
				}
				return;
			}
			var rel = e.key === "ArrowLeft" ? "prev" : e.key === "ArrowRight" ? "next" : "";
			var link = rel && document.querySelector('a[rel~="' + rel + '"]');
			if (link) {
				e.preventDefault();
				window.location.href = link.href;
			}
		});
	}

	// Search: on the search page, over search.json.
	function words(s) {
		return s.toLowerCase().split(/\s+/).filter(function (w) {
			return w !== "";
		});
	}

	function score(entry, terms) {
		var fields = [
			[entry.t.toLowerCase(), 12],
			[entry.n.toLowerCase(), 4],
			[(entry.g || []).join(" ").toLowerCase(), 4],
			[(entry.x || "").toLowerCase(), 2],
			[(entry.c || "").toLowerCase(), 1]
		];
		var total = 0;
		for (var i = 0; i < terms.length; i++) {
			var best = 0;
			for (var j = 0; j < fields.length; j++) {
				if (fields[j][0].indexOf(terms[i]) >= 0) {
					best = Math.max(best, fields[j][1]);
				}
			}
			if (best === 0) {
				return 0;
			}
			total += best;
		}
		return total;
	}

	// excerpt returns the line of text or code around the first term found.
	function excerpt(entry, terms) {
		var sources = [[entry.x || "", false], [entry.c || "", true]];
		for (var i = 0; i < sources.length; i++) {
			var text = sources[i][0];
			var lower = text.toLowerCase();
			for (var j = 0; j < terms.length; j++) {
				var at = lower.indexOf(terms[j]);
				if (at < 0) {
					continue;
				}
				var start, end;
				if (sources[i][1]) {
					start = text.lastIndexOf("\n", at) + 1;
					end = text.indexOf("\n", at);
					if (end < 0) {
						end = text.length;
					}
				} else {
					start = Math.max(0, at - 60);
					end = Math.min(text.length, at + 100);
				}
				return { text: text.slice(start, end).trim(), code: sources[i][1], cut: !sources[i][1] && (start > 0 || end < text.length) };
			}
		}
		return null;
	}

	// marked appends text to el with every term wrapped in <mark>.
	function marked(el, text, terms) {
		var lower = text.toLowerCase();
		var i = 0;
		while (i < text.length) {
			var next = -1, len = 0;
			for (var j = 0; j < terms.length; j++) {
				var at = lower.indexOf(terms[j], i);
				if (at >= 0 && (next < 0 || at < next)) {
					next = at;
					len = terms[j].length;
				}
			}
			if (next < 0) {
				el.appendChild(document.createTextNode(text.slice(i)));
				break;
			}
			el.appendChild(document.createTextNode(text.slice(i, next)));
			var m = document.createElement("mark");
			m.textContent = text.slice(next, next + len);
			el.appendChild(m);
			i = next + len;
		}
	}

	function setupSearch() {
		var list = document.getElementById("search-results");
		var input = document.getElementById("q");
		var status = document.getElementById("search-status");
		var all = document.getElementById("all-entries");
		if (!list || !input || !status) {
			return;
		}
		var siteRoot = new URL(list.getAttribute("data-root") || "./", window.location.href);
		var index = null;

		function show(query) {
			var terms = words(query);
			while (list.firstChild) {
				list.removeChild(list.firstChild);
			}
			if (terms.length === 0) {
				list.hidden = true;
				status.textContent = "";
				if (all) {
					all.hidden = false;
				}
				return;
			}
			if (all) {
				all.hidden = true;
			}
			var found = [];
			index.entries.forEach(function (e, i) {
				var s = score(e, terms);
				if (s > 0) {
					found.push({ e: e, s: s, i: i });
				}
			});
			found.sort(function (a, b) {
				return b.s - a.s || a.i - b.i;
			});
			status.textContent = found.length === 0 ? "Nothing matches \u201c" + query.trim() + "\u201d." :
				found.length === 1 ? "1 entry matches." : found.length + " entries match.";
			found.slice(0, 50).forEach(function (f) {
				var li = document.createElement("li");
				var a = document.createElement("a");
				a.href = new URL(f.e.u, siteRoot).href;
				a.className = "result-title";
				marked(a, f.e.t, terms);
				li.appendChild(a);
				var where = document.createElement("p");
				where.className = "result-where";
				where.textContent = (f.e.t === f.e.n ? "" : f.e.n + " \u00b7 ") + f.e.d;
				li.appendChild(where);
				var ex = excerpt(f.e, terms);
				if (ex) {
					var p = document.createElement(ex.code ? "pre" : "p");
					p.className = ex.code ? "result-code" : "result-text";
					marked(p, (ex.cut ? "\u2026" : "") + ex.text + (ex.cut ? "\u2026" : ""), terms);
					li.appendChild(p);
				}
				list.appendChild(li);
			});
			list.hidden = false;
		}

		var form = input.form;
		var query = new URLSearchParams(window.location.search).get("q") || "";
		input.value = query;
		var header = document.getElementById("site-search-q");
		if (header) {
			header.value = query;
		}
		status.textContent = query ? "Loading the index\u2026" : "";
		fetch(list.getAttribute("data-index"), { credentials: "same-origin" }).then(function (r) {
			if (!r.ok) {
				throw new Error(r.status + " " + r.statusText);
			}
			return r.json();
		}).then(function (data) {
			index = data;
			show(input.value);
			var pending = 0;
			function update() {
				clearTimeout(pending);
				var url = new URL(window.location.href);
				if (input.value.trim()) {
					url.searchParams.set("q", input.value);
				} else {
					url.searchParams.delete("q");
				}
				window.history.replaceState(null, "", url.href);
				show(input.value);
			}
			input.addEventListener("input", function () {
				clearTimeout(pending);
				pending = setTimeout(update, 120);
			});
			if (form) {
				form.addEventListener("submit", function (e) {
					e.preventDefault();
					update();
				});
			}
		}).catch(function () {
			status.textContent = "The search index could not be loaded; every entry is listed below.";
		});
	}

	// Run, Edit, Reset and Stop on the Go programs that can run in the
	// browser (a .play box after the code). Nothing of the interpreter is
	// fetched until the first Run: then the worker named by data-worker
	// starts, fetches it once, and runs every later program. Stop, and the
	// snippet's time limit (data-timeout, in ms), end the worker; the next
	// Run starts another.
	function setupPlay() {
		var boxes = document.querySelectorAll(".play[data-worker]");
		var worker = null, running = null, seq = 0;

		function button(label, name, onclick) {
			var b = document.createElement("button");
			b.type = "button";
			b.textContent = label;
			b.setAttribute("aria-label", label + " " + name);
			b.addEventListener("click", onclick);
			return b;
		}
		function end(p, text) {
			clearTimeout(running.timer);
			p.state(text);
			running = null;
			Array.prototype.forEach.call(boxes, function (b) {
				b.play.idle();
			});
		}
		function start(url) {
			worker = new Worker(url);
			worker.onmessage = function (e) {
				var m = e.data, p = running && running.id === m.id && running.p;
				if (m.type === "ready") {
					root.setAttribute("data-play-ready", "");
				}
				if (!p) {
					return;
				}
				if (m.type === "output") {
					p.write(m.text);
				} else if (m.type === "done") {
					end(p, "exit status " + m.exit);
				} else {
					end(p, "could not start: " + m.message);
				}
			};
		}
		function stop(why) {
			root.removeAttribute("data-play-ready");
			if (worker) {
				worker.terminate();
				worker = null;
			}
			if (running) {
				end(running.p, why);
			}
		}

		Array.prototype.forEach.call(boxes, function (box) {
			var block = box.previousElementSibling;
			var pre = block && block.querySelector(":scope > pre");
			if (!pre) {
				return;
			}
			var name = (block.querySelector(".snippet-id") || {}).textContent || "the program";
			var code = pre.textContent, editor = null;
			var bar = document.createElement("div");
			bar.className = "play-bar";
			var status = document.createElement("span");
			status.className = "play-status";
			status.setAttribute("role", "status");
			var out = document.createElement("pre");
			out.className = "output-text play-output";
			out.tabIndex = 0;
			out.setAttribute("role", "group");
			out.setAttribute("aria-label", "Output of your run of " + name);
			out.hidden = true;
			var samp = document.createElement("samp");
			out.appendChild(samp);
			var run = button("Run", name, function () {
				if (running) {
					return;
				}
				if (!worker) {
					start(box.getAttribute("data-worker"));
				}
				var t0 = performance.now(), first = true;
				running = { id: ++seq, p: box.play };
				running.timer = setTimeout(function () {
					stop("stopped: over its time limit of " + box.getAttribute("data-timeout") / 1000 + " s");
				}, +box.getAttribute("data-timeout") || 10000);
				samp.textContent = "";
				out.hidden = false;
				root.removeAttribute("data-play-ready");
				box.removeAttribute("data-exit");
				box.setAttribute("data-state", "running");
				box.play.write = function (text) {
					if (first) {
						first = false;
						box.setAttribute("data-first-output-ms", Math.round(performance.now() - t0));
					}
					if (samp.textContent.length < 1 << 20) {
						samp.appendChild(document.createTextNode(text));
					}
				};
				status.textContent = "Running\u2026";
				Array.prototype.forEach.call(boxes, function (b) {
					b.play.busy(b === box);
				});
				worker.postMessage({ id: running.id, code: editor ? editor.value : code });
			});
			var stopButton = button("Stop", name, function () {
				stop("stopped");
			});
			var edit = button("Edit", name, function () {
				editor = document.createElement("textarea");
				editor.className = "play-editor";
				editor.spellcheck = false;
				editor.value = code;
				editor.rows = Math.min(30, code.split("\n").length + 1);
				editor.setAttribute("aria-label", "Go code of " + name + ", editable");
				pre.hidden = true;
				pre.parentNode.insertBefore(editor, pre.nextSibling);
				edit.hidden = true;
				reset.hidden = false;
				editor.focus();
			});
			var reset = button("Reset", name, function () {
				editor.parentNode.removeChild(editor);
				editor = null;
				pre.hidden = false;
				reset.hidden = true;
				edit.hidden = false;
				edit.focus();
			});
			reset.hidden = true;
			stopButton.hidden = true;
			box.play = {
				state: function (text) {
					status.textContent = text;
					box.setAttribute("data-state", "done");
					box.setAttribute("data-exit", text);
				},
				busy: function (self) {
					run.disabled = true;
					stopButton.hidden = !self;
				},
				idle: function () {
					run.disabled = false;
					stopButton.hidden = true;
				}
			};
			bar.appendChild(run);
			bar.appendChild(stopButton);
			bar.appendChild(edit);
			bar.appendChild(reset);
			bar.appendChild(status);
			box.appendChild(bar);
			box.appendChild(out);
		});
	}

	setupTheme();
	setupCopy();
	setupKeys();
	setupSearch();
	setupPlay();
})();
