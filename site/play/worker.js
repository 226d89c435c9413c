// The worker that runs Go programs in the reader's browser, with the Go
// interpreter compiled to WebAssembly (see package play). It is started
// by the page on the first Run and fetches the interpreter then; the page
// ends it to stop a program.
//
// Messages from the page: {module}, the interpreter as an earlier worker
// of the page compiled it, if there was one, and then {id, code}. To the
// page: {type: "module", module} once this worker has compiled the
// interpreter itself, so that the next worker need not; {id, type: "output",
// text} as the program writes, in batches past the first few writes of a
// frame (see collect); {id, type: "cut", limit} once, when the output
// reaches the limit of what a run shows; then {id, type: "done", exit,
// compile, cut, limit} (compile is true when the program did not
// compile, cut counts the bytes of output left out), or {id, type:
// "error", message} if the interpreter could not start; and {type:
// "ready"} whenever the interpreter is ready for the next run.
"use strict";

// Replaced by the build with the fingerprinted names of Go's loader and
// the interpreter, beside this script.
var EXEC = "wasm_exec.js";
var WASM = "play.wasm";

importScripts(EXEC);

// LIMIT is how many bytes of output a run shows: what the program writes
// beyond it is counted, not decoded or sent. Within FRAME ms, the first
// BURST writes are sent as they come, and the rest in one batch.
var LIMIT = 1 << 20;
var FRAME = 16;
var BURST = 32;

var compiled = null; // the interpreter's WebAssembly.Module, once fetched
var instance = null; // a promise of a running instance, waiting for programs
var current = null;  // the id of the program running
var exitCode = 0;
var out = null;      // the output of the program running (see begin)

// begin starts collecting the output of run id.
function begin(id) {
	current = id;
	exitCode = 0;
	out = { text: "", shown: 0, cut: 0, window: -Infinity, sent: 0, timer: 0, decoders: {} };
}

// Standard output and error (file descriptors 1 and 2) are collected and
// sent to the page: a program may write millions of times a second, and a
// message for each would flood the page, so past the first few writes of
// a frame they are sent in batches, one a frame. The program runs without
// yielding to this worker's event loop, so the time is checked as it
// writes; a timer sends what is left when it stops writing and waits. A
// program that writes in a burst, then computes without writing or
// waiting, shows the end of the burst when it writes again or ends.
var writeSync = globalThis.fs.writeSync.bind(globalThis.fs);
globalThis.fs.writeSync = function (fd, buf) {
	if (fd !== 1 && fd !== 2) {
		return writeSync(fd, buf);
	}
	if (current !== null) {
		collect(fd, buf);
	}
	return buf.length;
};

function collect(fd, buf) {
	if (out.shown >= LIMIT) {
		out.cut += buf.length;
		return;
	}
	var part = buf;
	if (out.shown + buf.length > LIMIT) {
		part = buf.subarray(0, LIMIT - out.shown);
		out.cut += buf.length - part.length;
	}
	out.shown += part.length;
	var d = out.decoders[fd] = out.decoders[fd] || new TextDecoder("utf-8");
	out.text += d.decode(part, { stream: true });
	if (out.shown >= LIMIT) {
		flush();
		self.postMessage({ id: current, type: "cut", limit: LIMIT });
		return;
	}
	var now = performance.now();
	if (now - out.window >= FRAME) {
		out.window = now;
		out.sent = 0;
	}
	if (out.sent < BURST) {
		flush();
	} else if (!out.timer) {
		out.timer = setTimeout(flush, FRAME);
	}
}

// flush sends the output collected since the last message.
function flush() {
	clearTimeout(out.timer);
	out.timer = 0;
	if (out.text !== "") {
		out.sent++;
		self.postMessage({ id: current, type: "output", text: out.text });
		out.text = "";
	}
}

function compile() {
	if (!compiled) {
		compiled = WebAssembly.compileStreaming(fetch(WASM)).catch(function () {
			// Served without the application/wasm type: compile the bytes.
			return fetch(WASM).then(function (r) {
				if (!r.ok) {
					throw new Error(WASM + ": " + r.status + " " + r.statusText);
				}
				return r.arrayBuffer();
			}).then(function (b) {
				return WebAssembly.compile(b);
			});
		});
		compiled.then(function (mod) {
			self.postMessage({ type: "module", module: mod });
		}, function () {});
	}
	return compiled;
}

// start instantiates the interpreter, and returns a promise kept when it
// runs: its main function sets notebookRun before go.run returns. When the
// program ends (os.Exit, a panic on another goroutine, or goroutines left
// behind by a run), the run it was in is finished and a new instance
// started, to be ready for the next.
function start() {
	var p = compile().then(function (mod) {
		var go = new Go();
		go.exit = function (code) {
			exitCode = code;
		};
		// A timer or callback the program left behind may fire after it
		// has ended: it has nothing left to do, and must not throw.
		var resume = go._resume;
		go._resume = function () {
			if (!go.exited) {
				resume.call(go);
			}
		};
		return WebAssembly.instantiate(mod, go.importObject).then(function (inst) {
			go.run(inst).then(function () {
				instance = null;
				finish(exitCode, false);
				start();
			});
		});
	});
	instance = p;
	p.catch(function () {
		// The next run tries again, and says why if it fails too.
		if (instance === p) {
			instance = null;
		}
	});
	return p;
}

// notebookReady is called by the interpreter when it is ready for a run.
globalThis.notebookReady = function () {
	self.postMessage({ type: "ready" });
};

// finish ends the run: what is left of its output, then how it ended.
function finish(exit, compileError) {
	if (current === null) {
		return;
	}
	flush();
	self.postMessage({ id: current, type: "done", exit: exit, compile: !!compileError, cut: out.cut, limit: LIMIT });
	current = null;
	out = null;
}

self.onmessage = function (e) {
	var m = e.data;
	if (m.module) {
		compiled = compiled || Promise.resolve(m.module);
		return;
	}
	(instance || start()).then(function () {
		begin(m.id);
		globalThis.notebookRun(m.code, finish);
	}).catch(function (err) {
		self.postMessage({ id: m.id, type: "error", message: String(err && err.message || err) });
	});
};
