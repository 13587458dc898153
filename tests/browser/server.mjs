// Starts the real citizen-survey binary (target/debug, built by `cargo build`) on a free
// port with a fresh SQLite database, as an operator would, and drives Debian's chromium.
// Each test file starts its own server; nothing is shared between files.

import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, cpSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import net from "node:net";
import { chromium } from "playwright-core";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const BINARY = process.env.CS_BINARY ?? join(ROOT, "target", "debug", "citizen-survey");
/// A day inside the 2026 mid-term wave.
export const MIDTERM_DAY = "2026-12-05";

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

/// A copy of the bundled definitions; `edit(waveId, text) => text` may change a wave file.
export function definitions(edit) {
  const dir = mkdtempSync(join(tmpdir(), "cs-defs-"));
  cpSync(join(ROOT, "survey-definitions"), dir, { recursive: true });
  if (edit) {
    for (const wave of ["2026-midterm", "2028-final"]) {
      const file = join(dir, "waves", `${wave}.toml`);
      writeFileSync(file, edit(wave, readFileSync(file, "utf8")));
    }
  }
  return dir;
}

/// Starts `citizen-survey serve`; returns { url, env, cli(args) → stdout, stop() }.
export async function startServer({ env = {}, today = MIDTERM_DAY, defs } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "cs-browser-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const fullEnv = {
    ...process.env,
    DATABASE_URL: `sqlite://${join(dir, "survey.db")}`,
    SURVEY_BIND: `127.0.0.1:${port}`,
    SURVEY_DEFINITIONS: defs ?? join(ROOT, "survey-definitions"),
    PUBLIC_BASE_URL: url,
    SURVEY_TODAY: today,
    RUST_LOG: "warn",
    ...env,
  };
  const child = spawn(BINARY, ["serve"], { env: fullEnv, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  for (let i = 0; ; i++) {
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {}
    if (i > 200 || child.exitCode !== null) throw new Error(`server did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    env: fullEnv,
    /// Runs a CLI command against the same database and definitions; returns stdout.
    cli: (args, input) =>
      execFileSync(BINARY, args, { env: fullEnv, input, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] }),
    /// Stops the server; the promise settles once the process has exited (and let go of
    /// its database), for a test that starts another server on the same file.
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/// Debian's chromium, headless, with the flags this sandbox needs.
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
