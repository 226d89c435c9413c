// The worker that runs Go programs in the reader's browser, with the Go
// interpreter compiled to WebAssembly (see package play). It is started
// by the page on the first Run and fetches the interpreter then; the page
// ends it to stop a program.
//
// Messages from the page: {id, code}. To the page: {id, type: "output",
// text} as the program writes, then {id, type: "done", exit}, or
// {id, type: "error", message} if the interpreter could not start; and
// {type: "ready"} whenever the interpreter is ready for the next run.
"use strict";

// Replaced by the build with the fingerprinted names of Go's loader and
// the interpreter, beside this script.
var EXEC = "wasm_exec.js";
var WASM = "play.wasm";

importScripts(EXEC);

var compiled = null; // the interpreter's WebAssembly.Module, once fetched
var instance = null; // a promise of a running instance, waiting for programs
var current = null;  // the id of the program running
var exitCode = 0;
var decoders = {};

// Standard output and error (file descriptors 1 and 2) go to the page as
// they are written.
var writeSync = globalThis.fs.writeSync.bind(globalThis.fs);
globalThis.fs.writeSync = function (fd, buf) {
	if (fd !== 1 && fd !== 2) {
		return writeSync(fd, buf);
	}
	if (current !== null) {
		decoders[fd] = decoders[fd] || new TextDecoder("utf-8");
		self.postMessage({ id: current, type: "output", text: decoders[fd].decode(buf, { stream: true }) });
	}
	return buf.length;
};

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
		return WebAssembly.instantiate(mod, go.importObject).then(function (inst) {
			go.run(inst).then(function () {
				instance = null;
				finish(exitCode);
				// The new instance warms up before it says it is ready.
				globalThis.notebookWarmUp = true;
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

function finish(exit) {
	if (current === null) {
		return;
	}
	self.postMessage({ id: current, type: "done", exit: exit });
	current = null;
	decoders = {};
}

self.onmessage = function (e) {
	var m = e.data;
	(instance || start()).then(function () {
		current = m.id;
		exitCode = 0;
		globalThis.notebookRun(m.code, finish);
	}).catch(function (err) {
		self.postMessage({ id: m.id, type: "error", message: String(err && err.message || err) });
	});
};
