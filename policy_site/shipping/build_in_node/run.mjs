// Build-time helper for policy_site/shipping/stdlib.py (never shipped): loads the checker on Pyodide under
// Node with the page's own loader (assets/policy-check/load-checker.mjs: loadPyodide ->
// loadPackage -> import checker -> a warm-up check), runs exercise.py through check_query, and
// either makes the tailored standard library from what that imported, or tries one.
//
// Reads one JSON object on stdin:
//   {"mode": "tailor" | "try",
//    "runtime_dir": folder with the stock pyodide.mjs and friends,
//    "stdlib": (try) the tailored python_stdlib.zip to load instead of the stock one,
//    "lock_file", "package": the checker's lock and its name there,
//    "loader": the path of the page's load-checker.mjs,
//    "exercise": exercise.py's source (defines exercise() -> JSON text),
//    "tailor": (tailor) tailor.py's source (defines tailor(modules) -> zip bytes),
//    "out": (tailor) where to write the tailored zip}
// and writes one JSON object on stdout:
//   {"results": JSON text from exercise(), "error_line": the last line of a Python error as the
//    page would show it, "modules": [standard-library modules imported], "from_source": [modules
//    compiled from .py at import time], "fatal": message if anything failed, "logs": [...]}
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const request = JSON.parse(readFileSync(0, "utf8"));
const logs = [];
const keep = (prefix) => (...parts) => logs.push(prefix + parts.map(String).join(" "));
console.log = keep("");
console.info = keep("");
console.warn = keep("warn: ");
console.error = keep("error: ");

const report = { results: null, error_line: null, modules: [], from_source: [], logs };

// Which modules came from the standard library's zip, and which of those were compiled from
// their .py source when imported (with the tailored zip, none should be).
const MODULES_FROM_ZIP = `
import json, sys
def _from_zip():
    names, source = [], []
    for name, module in sorted(sys.modules.items()):
        origin = getattr(getattr(module, "__spec__", None), "origin", None) or ""
        if ".zip/" in origin:
            names.append(name)
            if origin.endswith(".py"):
                source.append(name)
    return json.dumps([names, source])
_from_zip()
`;

try {
  const runtimeDir = path.resolve(request.runtime_dir) + path.sep;
  const { loadPyodide } = await import(pathToFileURL(path.join(runtimeDir, "pyodide.mjs")).href);
  // The page's own loader (assets/policy-check/load-checker.mjs), by path from the request.
  const { loadChecker } = await import(pathToFileURL(request.loader).href);
  const { pyodide } = await loadChecker({
    loadPyodide,
    indexURL: runtimeDir,
    lockFileURL: path.resolve(request.lock_file),
    stdLibURL: request.mode === "try" ? path.resolve(request.stdlib) : undefined,
    packageName: request.package,
    moduleName: request.module,
    stdout: keep("python: "),
    stderr: keep("python: "),
  });
  pyodide.runPython(request.exercise, { filename: "exercise.py" });
  report.results = String(pyodide.globals.get("exercise")(request.module));
  // A Python error reaching JavaScript is formatted by Python's traceback module.
  try {
    pyodide.runPython("raise RuntimeError('the checker failed')");
  } catch (error) {
    report.error_line = String(error.message).trim().split("\n").pop();
  }
  const [modules, fromSource] = JSON.parse(pyodide.runPython(MODULES_FROM_ZIP));
  report.modules = modules;
  report.from_source = fromSource;

  if (request.mode === "tailor") {
    pyodide.runPython(request.tailor, { filename: "tailor.py" });
    const tailor = pyodide.globals.get("tailor");
    const zip = tailor(pyodide.toPy(modules));
    writeFileSync(request.out, zip.toJs());
    zip.destroy();
  }
} catch (error) {
  report.fatal = String((error && error.stack) || error);
}
// Exit once the report is written: a pipe takes it asynchronously, and Pyodide keeps Node alive.
process.stdout.write(JSON.stringify(report) + "\n", () => process.exit(0));
