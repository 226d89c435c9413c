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

	// addCopy gives a code block or output a button that copies its text.
	function addCopy(block) {
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
		button.setAttribute("aria-label", what === "Output" ? "Copy the output" : what === "Your run" ? "Copy the output of your run" : "Copy the " + what + " code");
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
			// The editor, when open, holds the code to copy.
			var editor = block.querySelector(":scope > textarea");
			copyText(editor ? editor.value : pre.textContent).then(function () {
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
	}

	function setupCopy() {
		Array.prototype.forEach.call(document.querySelectorAll(".codeblock"), addCopy);
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

	// A program's explanation shows its first paragraph; "Read on" links
	// to the note's page of explanations. Here it fetches that page once
	// and shows the rest of the explanation in place instead.
	function setupExplanations() {
		var page = null;
		function load(url) {
			if (!page) {
				page = fetch(url, { credentials: "same-origin" }).then(function (r) {
					if (!r.ok) {
						throw new Error(r.status + " " + r.statusText);
					}
					return r.text();
				}).then(function (html) {
					return new DOMParser().parseFromString(html, "text/html");
				});
				page.catch(function () {
					page = null;
				});
			}
			return page;
		}
		Array.prototype.forEach.call(document.querySelectorAll("a.read-on[data-more]"), function (link) {
			link.addEventListener("click", function (e) {
				if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) {
					return;
				}
				e.preventDefault();
				var id = link.getAttribute("data-more");
				load(link.href.split("#")[0]).then(function (doc) {
					var section = doc.getElementById(id);
					var full = section && section.querySelector(".explain-full");
					if (!full) {
						throw new Error("no explanation " + id);
					}
					var more = document.createElement("div");
					more.className = "more";
					more.tabIndex = -1;
					Array.prototype.slice.call(full.children, 1).forEach(function (el) {
						more.appendChild(document.importNode(el, true));
					});
					link.parentNode.parentNode.appendChild(more);
					link.parentNode.removeChild(link);
					more.focus({ preventScroll: true });
				}).catch(function () {
					window.location.href = link.href;
				});
			});
		});
	}

	// Run, Stop, Edit and Reset on the Go programs that can run in the
	// browser (a .play box after the code). Nothing of the interpreter is
	// fetched until the first Run: then the worker named by data-worker
	// starts, fetches it once, and runs every later program. Run becomes
	// Stop while a program runs, and Edit becomes Reset while the editor is
	// open, so that the button pressed keeps the focus. Stop, Escape, and
	// the snippet's time limit (data-timeout, in ms), end the worker, at
	// once whatever the program does; the next Run starts another, given
	// the interpreter as the first worker compiled it.
	//
	// What the program writes reaches the page in batches (see worker.js),
	// and is appended at most once a frame, in blocks of whole lines, to a
	// box of bounded height that scrolls: no output can freeze the page.
	function setupPlay() {
		var boxes = document.querySelectorAll(".play[data-worker]");
		var worker = null, current = null, seq = 0;
		// The interpreter, once a worker has compiled it: a worker started
		// after Stop gets it, and need not compile it again.
		var module = null;

		function startWorker(url) {
			worker = new Worker(url);
			if (module) {
				worker.postMessage({ module: module });
			}
			worker.onmessage = function (e) {
				var m = e.data;
				if (m.type === "module") {
					module = m.module;
				} else if (m.type === "ready") {
					root.setAttribute("data-play-ready", "");
				} else if (current && current.id === m.id) {
					current.message(m);
				}
			};
		}
		function stop(why) {
			root.removeAttribute("data-play-ready");
			if (worker) {
				worker.terminate();
				worker = null;
			}
			if (current) {
				current.end(why, "stopped");
			}
		}
		document.addEventListener("keydown", function (e) {
			if (e.key === "Escape" && current) {
				stop("stopped");
			}
		});

		Array.prototype.forEach.call(boxes, function (box) {
			var block = box.previousElementSibling;
			var pre = block && block.querySelector(":scope > pre");
			var cell = box.closest("figure") && box.closest("figure").querySelector(".out-go");
			if (!pre || !cell) {
				return;
			}
			var name = (block.querySelector(".snippet-id") || {}).textContent || "the program";
			var code = pre.textContent, editor = null, escaped = false;

			function button(label) {
				var b = document.createElement("button");
				b.type = "button";
				label(b);
				return b;
			}
			function labelled(text) {
				return function (b) {
					b.textContent = text;
					b.setAttribute("aria-label", text + " " + name);
				};
			}
			var bar = document.createElement("div");
			bar.className = "play-bar";
			var run = button(labelled("Run"));
			var edit = button(labelled("Edit"));
			var hint = document.createElement("span");
			hint.className = "play-hint";
			hint.id = box.closest("figure").id + "-keys";
			hint.textContent = "Tab indents; Esc then Tab leaves the editor; Ctrl+Enter runs; Esc stops a run.";
			hint.hidden = true;
			bar.appendChild(run);
			bar.appendChild(edit);
			bar.appendChild(hint);
			box.appendChild(bar);

			// The reader's run, apart from the build's output.
			var yours = document.createElement("div");
			yours.className = "codeblock output your-run";
			yours.hidden = true;
			var head = document.createElement("div");
			head.className = "code-head";
			var title = document.createElement("span");
			title.className = "lang";
			title.textContent = "Your run";
			var state = document.createElement("span");
			state.className = "hint run-state";
			state.setAttribute("role", "status");
			head.appendChild(title);
			head.appendChild(state);
			var out = document.createElement("pre");
			out.className = "output-text play-output";
			out.tabIndex = 0;
			out.setAttribute("role", "group");
			out.setAttribute("aria-label", "Output of your run of " + name);
			var samp = document.createElement("samp");
			out.appendChild(samp);
			var cut = document.createElement("p");
			cut.className = "output-cut";
			cut.hidden = true;
			yours.appendChild(head);
			yours.appendChild(out);
			yours.appendChild(cut);
			cell.appendChild(yours);
			addCopy(yours);

			// Output waiting for the next frame, and that frame.
			var pending = "", frame = 0;
			function append(text) {
				var last = samp.lastChild;
				if (last && last.textContent.slice(-1) !== "\n") {
					// The last block's line is not finished: finish it there.
					var nl = text.indexOf("\n");
					var head = nl < 0 ? text : text.slice(0, nl + 1);
					last.firstChild.appendData(head);
					text = text.slice(head.length);
				}
				if (text) {
					var chunk = document.createElement("span");
					chunk.className = "chunk";
					chunk.appendChild(document.createTextNode(text));
					samp.appendChild(chunk);
				}
			}
			function flush() {
				if (frame) {
					cancelAnimationFrame(frame);
					frame = 0;
				}
				if (!pending) {
					return;
				}
				var atEnd = out.scrollTop + out.clientHeight >= out.scrollHeight - 4;
				append(pending);
				pending = "";
				if (atEnd) {
					out.scrollTop = out.scrollHeight;
				}
			}
			function bytes(n) {
				return n < 1 << 10 ? n + " bytes" : n < 1 << 20 ? (n / 1024).toFixed(1) + " KiB" : (n / (1 << 20)).toFixed(1) + " MiB";
			}

			function start() {
				if (current) {
					stop("stopped: another program ran");
				}
				if (!worker) {
					startWorker(box.getAttribute("data-worker"));
				}
				var t0 = performance.now(), first = true;
				var limit = +box.getAttribute("data-timeout") || 10000;
				var timer = setTimeout(function () {
					stop("stopped: over its time limit of " + limit / 1000 + " s");
				}, limit);
				current = {
					id: ++seq,
					message: function (m) {
						if (m.type === "output") {
							if (first) {
								first = false;
								box.setAttribute("data-first-output-ms", Math.round(performance.now() - t0));
							}
							pending += m.text;
							if (!frame) {
								frame = requestAnimationFrame(function () {
									frame = 0;
									flush();
								});
							}
						} else if (m.type === "cut") {
							cut.textContent = "The output is cut here: a run shows at most " + bytes(m.limit) + ".";
							cut.hidden = false;
						} else if (m.type === "done") {
							if (m.cut) {
								cut.textContent = bytes(m.cut) + " more output was cut: a run shows at most " + bytes(m.limit) + ".";
								cut.hidden = false;
							}
							this.end(m.compile ? "compile error" : "exit status " + m.exit, m.compile ? "compile-error" : m.exit === 0 ? "exit-ok" : "exit-nonzero");
						} else if (m.type === "error") {
							this.end("could not start: " + m.message, "exit-nonzero");
						}
					},
					end: function (text, kind) {
						clearTimeout(timer);
						flush();
						current = null;
						state.textContent = text + " \u00b7 " + Math.round(performance.now() - t0) + " ms";
						state.className = "hint run-state " + kind;
						box.setAttribute("data-state", "done");
						box.setAttribute("data-exit", text);
						labelled("Run")(run);
					}
				};
				pending = "";
				samp.textContent = "";
				cut.hidden = true;
				yours.hidden = false;
				state.textContent = "running\u2026";
				state.className = "hint run-state";
				root.removeAttribute("data-play-ready");
				box.removeAttribute("data-exit");
				box.setAttribute("data-state", "running");
				labelled("Stop")(run);
				worker.postMessage({ id: current.id, code: editor ? editor.value : code });
			}
			run.addEventListener("click", function () {
				if (box.getAttribute("data-state") === "running") {
					stop("stopped");
				} else {
					start();
				}
			});

			// The editor: Tab indents, as in any code editor; Escape, then
			// Tab, leaves it, as the hint beside it says.
			function keys(e) {
				if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
					e.preventDefault();
					run.click();
				} else if (e.key === "Tab" && !escaped && !e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey) {
					e.preventDefault();
					if (!document.execCommand("insertText", false, "\t")) {
						editor.setRangeText("\t", editor.selectionStart, editor.selectionEnd, "end");
					}
				}
				escaped = e.key === "Escape" || (escaped && e.key === "Shift");
			}
			edit.addEventListener("click", function () {
				if (editor) {
					editor.parentNode.removeChild(editor);
					editor = null;
					pre.hidden = false;
					hint.hidden = true;
					labelled("Edit")(edit);
					return;
				}
				editor = document.createElement("textarea");
				editor.className = "play-editor";
				editor.spellcheck = false;
				editor.value = code;
				editor.rows = Math.min(30, code.split("\n").length + 1);
				editor.setAttribute("aria-label", "Go code of " + name + ", editable");
				editor.setAttribute("aria-describedby", hint.id);
				editor.addEventListener("keydown", keys);
				pre.hidden = true;
				pre.parentNode.insertBefore(editor, pre.nextSibling);
				hint.hidden = false;
				labelled("Reset")(edit);
				escaped = false;
				editor.focus();
			});
		});
	}

	setupTheme();
	setupCopy();
	setupKeys();
	setupSearch();
	setupExplanations();
	setupPlay();
})();
