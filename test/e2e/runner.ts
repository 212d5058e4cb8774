/**
 * A minimal sequential check runner: prints one line per check and a closing
 * `N passed, N failed` line in the plain format that CI parsers read.
 */
import { setTimeout as delay } from 'node:timers/promises';

export class CheckFailure extends Error {}

/** Fails the current check with `message` unless `condition` holds. */
export function check(condition: unknown, message: string): asserts condition {
	if (!condition) {
		throw new CheckFailure(message);
	}
}

/** Fails the current check unless `actual` and `expected` are equal as JSON. */
export function checkEqual(actual: unknown, expected: unknown, label: string): void {
	const actualJson = JSON.stringify(actual);
	const expectedJson = JSON.stringify(expected);
	if (actualJson !== expectedJson) {
		throw new CheckFailure(`${label}: expected ${expectedJson}, got ${actualJson}`);
	}
}

export interface CheckOptions {
	/** Time limit for the check; default 120 s. */
	timeoutMs?: number;
}

export class CheckRunner {
	passed = 0;
	failed = 0;
	private readonly failures: string[] = [];

	/**
	 * Runs one check and records its outcome. Resolves to false when the check failed, so later
	 * checks can skip work that depends on it (they still run and fail with a reason).
	 */
	async run(name: string, body: () => Promise<void> | void, options: CheckOptions = {}): Promise<boolean> {
		const started = Date.now();
		const timeoutMs = options.timeoutMs ?? 120_000;
		const abort = new AbortController();
		try {
			await Promise.race([
				Promise.resolve().then(body),
				delay(timeoutMs, undefined, { signal: abort.signal }).then(() => {
					throw new CheckFailure(`timed out after ${timeoutMs} ms`);
				}),
			]);
			this.passed++;
			console.log(`ok     ${name} (${elapsed(started)})`);
			return true;
		} catch (error) {
			this.failed++;
			const message = error instanceof CheckFailure ? error.message : ((error as Error).stack ?? String(error));
			this.failures.push(name);
			console.log(`FAILED ${name} (${elapsed(started)})\n${indent(message)}`);
			return false;
		} finally {
			abort.abort();
		}
	}

	/** Records a check that cannot run because something it needs is missing. */
	fail(name: string, reason: string): void {
		this.failed++;
		this.failures.push(name);
		console.log(`FAILED ${name}\n${indent(reason)}`);
	}

	/** Prints the summary; returns the process exit code. */
	finish(): number {
		if (this.failures.length > 0) {
			console.log(`\nFailed checks:\n${this.failures.map((name) => `  - ${name}`).join('\n')}`);
		}
		console.log(`\n${this.passed} passed, ${this.failed} failed`);
		return this.failed === 0 && this.passed > 0 ? 0 : 1;
	}
}

function elapsed(started: number): string {
	return `${((Date.now() - started) / 1000).toFixed(1)} s`;
}

function indent(text: string): string {
	return text
		.trimEnd()
		.split('\n')
		.map((line) => `       ${line}`)
		.join('\n');
}
