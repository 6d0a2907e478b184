// Runs the checker wheel on the real Pyodide runtime in Node, the way the self-check loads it in
// the browser: loadPyodide -> loadPackage(<name in the trimmed lock>) -> import checker.
//
// Reads one JSON object on stdin:
//   {"runtime_dir", "lock_file", "package", "today", "answers": [JSON text, ...],
//    "stdlib": optional python_stdlib.zip to start with instead of the runtime's own}
// and writes one JSON object on stdout:
//   {"timings_ms": {...}, "loaded": [...], "import_error": str|null, "results": [JSON text, ...],
//    "logs": [...]}
// Everything Pyodide or Python prints goes into "logs", so stdout stays one JSON document.
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const request = JSON.parse(readFileSync(0, "utf8"));
const logs = [];
const keep = (prefix) => (...parts) => logs.push(prefix + parts.map(String).join(" "));
console.log = keep("");
console.info = keep("");
console.warn = keep("warn: ");
console.error = keep("error: ");

const timings = {};
async function timed(name, work) {
  const start = performance.now();
  try {
    return await work();
  } finally {
    timings[name] = performance.now() - start;
  }
}

const report = {
  timings_ms: timings,
  loaded: [],
  import_error: null,
  results: [],
  logs,
};

try {
  const runtimeDir = path.resolve(request.runtime_dir) + path.sep;
  const { loadPyodide } = await timed("import_pyodide_mjs", () =>
    import(pathToFileURL(path.join(runtimeDir, "pyodide.mjs")).href),
  );
  const options = {
    indexURL: runtimeDir,
    // A file path: in Node the lock and the wheels beside it are read from disk.
    lockFileURL: path.resolve(request.lock_file),
    stdout: keep("python stdout: "),
    stderr: keep("python stderr: "),
  };
  if (request.stdlib) options.stdLibURL = path.resolve(request.stdlib);
  const pyodide = await timed("load_pyodide", () => loadPyodide(options));
  await timed("load_package", () =>
    pyodide.loadPackage(request.package, {
      messageCallback: keep("loadPackage: "),
      errorCallback: keep("loadPackage error: "),
    }),
  );
  report.loaded = Object.keys(pyodide.loadedPackages);
  let checker = null;
  try {
    checker = await timed("import_checker", () => pyodide.pyimport("checker"));
  } catch (error) {
    report.import_error = String(error && error.message ? error.message : error).trim();
  }
  if (checker !== null) {
    const checkJson = checker.check_json;
    const callTimes = [];
    for (const answers of request.answers) {
      const start = performance.now();
      report.results.push(checkJson.callKwargs(answers, { today: request.today }));
      callTimes.push(performance.now() - start);
    }
    if (callTimes.length) {
      timings.first_check_json = callTimes[0];
      const rest = callTimes.slice(1).sort((a, b) => a - b);
      if (rest.length) timings.median_later_check_json = rest[Math.floor(rest.length / 2)];
    }
    checkJson.destroy();
    checker.destroy();
  }
} catch (error) {
  report.fatal = String(error && error.stack ? error.stack : error);
}
// Exit once the report is written: a pipe takes it asynchronously (process.exit at once could cut
// a long report short), and Pyodide keeps Node alive.
process.stdout.write(JSON.stringify(report) + "\n", () => process.exit(0));
