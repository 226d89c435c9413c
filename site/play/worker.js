// The worker that runs Go programs in the reader's browser, with the Go
// interpreter compiled to WebAssembly (see package play). It is started
// by the page on the first Run and fetches the interpreter then; the page
// ends it to stop a program.
//
// Messages from the page: {id, code}. To the page: {id, type: "output",
// text} as the program writes, then {id, type: "done", exit}, or
// {id, type: "error", message} if the interpreter could not start.
"use strict";

// Replaced by the build with the fingerprinted names of Go's loader and
// the interpreter, beside this script.
var EXEC = "wasm_exec.js";
var WASM = "play.wasm";

importScripts(EXEC);

var compiled = null; // the interpreter's WebAssembly.Module, once fetched
var live = false;    // an instance is running, waiting for programs
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

// start instantiates the interpreter; its main function sets notebookRun
// before go.run returns.
function start() {
	return compile().then(function (mod) {
		var go = new Go();
		go.exit = function (code) {
			exitCode = code;
		};
		return WebAssembly.instantiate(mod, go.importObject).then(function (inst) {
			live = true;
			go.run(inst).then(function () {
				// The program ended: os.Exit, a panic on another goroutine,
				// or goroutines left behind by the last run.
				live = false;
				finish(exitCode);
			});
		});
	});
}

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
	(live ? Promise.resolve() : start()).then(function () {
		current = m.id;
		exitCode = 0;
		globalThis.notebookRun(m.code, finish);
	}).catch(function (err) {
		self.postMessage({ id: m.id, type: "error", message: String(err && err.message || err) });
	});
};
