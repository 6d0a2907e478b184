// @ts-check
/**
 * The one way the checker is loaded on Pyodide: by the page's worker (worker.js), by the build's
 * run under Node that tailors the standard library (policy_site/shipping/build_in_node/run.mjs) and by the
 * tests. So "it runs as the page runs it" holds by construction.
 *
 *   loadPyodide(...) with the lock that lists only the checker's wheel
 *   -> loadPackage(<its name in that lock>)   (Pyodide checks the wheel's sha256 in the browser)
 *   -> import <the policy's package>           (the real test: a refused wheel has no checker)
 *   -> one warm-up check, then gc.freeze()     (the first visitor's check is as quick as later ones)
 *
 * The warm-up is the policy's own (its package's warm_up(): a complete set of its answers that
 * takes the path of a real answer, whatever the date; the build's tests hold that it gives one).
 */

/** An error that says which stage of loading failed: "runtime", "package" or "import". */
export class LoadError extends Error {
  constructor(stage, message) {
    super(message);
    this.stage = stage;
  }
}

const round = (ms) => Math.round(ms * 10) / 10;

/**
 * Load the checker. ``loadPyodide`` is pyodide.mjs's, imported by the caller from ``indexURL``
 * (a URL in the browser, a folder path ending in the separator under Node). ``lockFileURL`` names
 * the checker's lock, ``stdLibURL`` the standard library to start with (the runtime's own if
 * left out), ``packageName`` the checker's name in the lock, ``moduleName`` the policy's package
 * that it holds (what Python imports: the page is told it, see policy_site/package.py).
 * ``stdout`` and ``stderr`` take what Python prints, a line at a time.
 *
 * ``warmUp`` false skips the warm-up check (a visitor's check is waiting: it warms up the same
 * paths, and the answer comes sooner); call :func:`settle` after it.
 *
 * Resolves with {pyodide, checker, checkQuery, timings}.
 */
export async function loadChecker({
  loadPyodide,
  indexURL,
  lockFileURL,
  stdLibURL,
  packageName,
  moduleName,
  stdout = () => {},
  stderr = () => {},
  warmUp = true,
}) {
  const start = performance.now();
  let pyodide;
  try {
    pyodide = await loadPyodide({ indexURL, lockFileURL, stdLibURL, stdout, stderr });
  } catch (error) {
    throw new LoadError("runtime", describe(error));
  }
  const runtimeDone = performance.now();

  // loadPackage reports progress on the console by default, and does not throw when the wheel
  // fails: a wrong sha256 only reaches errorCallback. The import below is the real test.
  const packageErrors = [];
  try {
    await pyodide.loadPackage(packageName, {
      messageCallback: () => {},
      errorCallback: (message) => packageErrors.push(message),
    });
  } catch (error) {
    throw new LoadError("package", describe(error));
  }
  const packageDone = performance.now();

  let checker;
  try {
    checker = pyodide.pyimport(moduleName);
  } catch (error) {
    const why = [...packageErrors, describe(error)].join(" ");
    throw new LoadError("import", `The checker package did not load: ${why}`);
  }
  const checkQuery = checker.check_query;
  if (typeof checkQuery !== "function" || typeof checker.warm_up !== "function") {
    throw new LoadError("import", "The checker package has no check_query or warm_up function.");
  }
  // One check nobody waits for: the first call runs code for the first time (WebAssembly
  // compiled lazily, Python's caches filled); then freeze what it made, out of the collector's way.
  if (warmUp) {
    checker.warm_up();
    settle(pyodide);
  }
  const importDone = performance.now();
  return {
    pyodide,
    checker,
    checkQuery,
    timings: {
      start: round(start),
      runtime: round(runtimeDone - start),
      package: round(packageDone - runtimeDone),
      import: round(importDone - packageDone),
      total: round(importDone - start),
    },
  };
}

/** Freeze what the first check made, out of the garbage collector's way (after the warm-up, or
 * after a visitor's first check when one was already waiting and took the warm-up's place). */
export function settle(pyodide) {
  pyodide.runPython("import gc; gc.collect(); gc.freeze()");
}

/**
 * What went wrong, in one line: for a Python traceback the exception line ("ModuleNotFoundError:
 * No module named 'tomllib'", not the hint Pyodide appends after it), else the last line.
 */
export function describe(error) {
  const text = String((error && error.message) || error || "unknown error");
  const lines = text.split("\n").filter((line) => line.trim() !== "");
  const exception = lines.filter((line) => /^[A-Za-z_][\w.]*(Error|Exception|Exit)\b/.test(line));
  return (exception.length ? exception[exception.length - 1] : lines[lines.length - 1]) || text;
}
