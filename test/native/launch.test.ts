// The addon's launch() on either thread (native/uscmdrelay.c), and which one the native launcher
// picks (src/exec/launch/native.ts): the event loop when no other command of it runs, else a
// worker thread. The guarantees seen from inside the child run on both in test/exec/launchers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createNativeLauncher } from '../../src/exec/launch/native.js';
import { makePlan, runCommand } from '../exec/helpers.js';
import { loadNativeAddon, type NativeAddon, type NativeExitCallback, type NativeOutputCallback, type NativeStartCallback } from '../../src/native/addon.js';

const addon = loadNativeAddon();

interface Launched {
  startedBeforeReturn: boolean;
  start: Promise<[string | null, number | string]>;
  output: Promise<string>;
  exit: Promise<[number, number]>;
}

// Calls addon.launch(argv) and collects what its callbacks report.
function launch(native: NativeAddon, argv: string[], onLoop?: boolean): Launched {
  let returned = false;
  let startedBeforeReturn = false;
  let started!: (value: [string | null, number | string]) => void;
  let ended!: (value: [number, number]) => void;
  let outputDone!: (text: string) => void;
  const start = new Promise<[string | null, number | string]>((resolve) => (started = resolve));
  const exit = new Promise<[number, number]>((resolve) => (ended = resolve));
  const output = new Promise<string>((resolve) => (outputDone = resolve));
  const chunks: Buffer[] = [];
  let open = 2;
  const onStart: NativeStartCallback = (errorCode, pidOrMessage) => {
    startedBeforeReturn = !returned;
    started([errorCode, pidOrMessage]);
    if (errorCode === null) queueMicrotask(() => native.resumeOutput(child));
  };
  const onOutput: NativeOutputCallback = (index, chunk) => {
    if (index === 0 && chunk !== null) chunks.push(chunk);
    if (chunk === null && --open === 0) outputDone(Buffer.concat(chunks).toString());
  };
  const onExit: NativeExitCallback = (exitCode, signalNumber) => ended([exitCode, signalNumber]);
  const child = native.launch(argv[0] ?? '', argv, 'PATH=/usr/bin:/bin\0', 1, '/', false, onStart, onOutput, onExit, onLoop);
  returned = true;
  return {
    get startedBeforeReturn() {
      return startedBeforeReturn;
    },
    start,
    output,
    exit,
  };
}

describe('addon launch()', { skip: addon === null && 'native addon not built' }, () => {
  const native = addon as NativeAddon;

  it('on the event loop: reports the start before it returns, then the output and the exit', async () => {
    const launched = launch(native, ['/bin/echo', 'on the loop'], true);
    assert.equal(launched.startedBeforeReturn, true);
    const [errorCode, pid] = await launched.start;
    assert.equal(errorCode, null);
    assert.equal(typeof pid, 'number');
    assert.equal(await launched.output, 'on the loop\n');
    assert.deepEqual(await launched.exit, [0, 0]);
  });

  it('on a worker thread (the default): reports the start on a later turn of the loop', async () => {
    const launched = launch(native, ['/bin/echo', 'on a worker']);
    assert.equal(launched.startedBeforeReturn, false);
    assert.equal((await launched.start)[0], null);
    assert.equal(await launched.output, 'on a worker\n');
    assert.deepEqual(await launched.exit, [0, 0]);
  });

  it('the environment block: every entry reaches the program; a NUL inside an entry throws, it does not add a variable', async () => {
    const seen: Buffer[] = [];
    const ended = new Promise<void>((resolve) => {
      let open = 2;
      const child = native.launch('/usr/bin/env', ['/usr/bin/env'], 'A=1\0B=two words\0C=\0', 3, '/', false, (code) => code === null && queueMicrotask(() => native.resumeOutput(child)), (index, chunk) => {
        if (chunk !== null) seen.push(chunk);
        else if (--open === 0) resolve();
      }, () => {});
    });
    await ended;
    assert.equal(Buffer.concat(seen).toString(), 'A=1\nB=two words\nC=\n');
    const noop = (): void => {};
    for (const [block, count] of [['A=1\0INJECTED=1\0', 1], ['A=1', 1], ['A=1\0', 2]] as const) {
      assert.throws(() => native.launch('/bin/true', ['/bin/true'], block, count, '/', false, noop, noop, noop), TypeError, JSON.stringify(block));
    }
  });

  it('a program that cannot start is reported on either thread alike', async () => {
    for (const onLoop of [true, false]) {
      const launched = launch(native, ['/nonexistent/program'], onLoop);
      assert.equal(launched.startedBeforeReturn, onLoop);
      const [errorCode, message] = await launched.start;
      assert.equal(errorCode, 'ENOENT');
      assert.match(String(message), /nonexistent/);
    }
  });
});

describe('native launcher: which thread starts a command', { skip: addon === null && 'native addon not built' }, () => {
  // The addon, recording the onLoop argument of each launch().
  function recordingAddon(): { addon: NativeAddon; onLoop: boolean[] } {
    const onLoop: boolean[] = [];
    const native = addon as NativeAddon;
    // The addon's functions are read-only, not enumerable: the recorder inherits them.
    const launch: NativeAddon['launch'] = (...args) => {
      onLoop.push(args[9] === true);
      return native.launch(...args);
    };
    return { onLoop, addon: Object.create(native, { launch: { value: launch } }) as NativeAddon };
  }

  it('the event loop when nothing else runs, a worker thread while another command runs', async () => {
    const recording = recordingAddon();
    const launcher = createNativeLauncher(recording.addon);
    const first = runCommand(makePlan(['/bin/sleep', '0.3']), launcher);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = await runCommand(makePlan(['/bin/echo', 'meanwhile']), launcher);
    assert.equal(second.stdout, 'meanwhile\n');
    assert.equal((await first).outcome, 'exited');
    const failed = await runCommand(makePlan(['/nonexistent/program']), launcher);
    assert.equal(failed.outcome, 'start_failed');
    await assert.rejects(launcher.launch(makePlan(['/bin/echo', 'nul\0byte'])), TypeError);
    await runCommand(makePlan(['/bin/true']), launcher);
    // A command that never started (not found, a NUL byte) does not count as running.
    assert.deepEqual(recording.onLoop, [true, false, true, true, true]);
  });

  it("'worker' always starts on a worker thread", async () => {
    const recording = recordingAddon();
    const launcher = createNativeLauncher(recording.addon, 'worker');
    await runCommand(makePlan(['/bin/true']), launcher);
    await runCommand(makePlan(['/bin/true']), launcher);
    assert.deepEqual(recording.onLoop, [false, false]);
  });
});
