import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import type { LogMetadata, Logger as WorkflowLogger } from 'n8n-workflow';
import { Expression, LoggerProxy, UserError } from 'n8n-workflow';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One captured log call; `line` is what a log file would show for it. */
export interface LogRecord {
	level: 'error' | 'warn' | 'info' | 'debug';
	message: string;
	metadata: LogMetadata | undefined;
	line: string;
}

/**
 * Logger that stores every call instead of printing it. It replaces both loggers n8n
 * uses: the DI `Logger` from @n8n/backend-common (what nodes get as `this.logger`) and
 * n8n-workflow's `LoggerProxy` (what the engine and n8n-workflow log through).
 */
class RecordingLogger implements WorkflowLogger {
	records: LogRecord[] = [];

	error(message: string, metadata?: LogMetadata) {
		this.record('error', message, metadata);
	}

	warn(message: string, metadata?: LogMetadata) {
		this.record('warn', message, metadata);
	}

	info(message: string, metadata?: LogMetadata) {
		this.record('info', message, metadata);
	}

	debug(message: string, metadata?: LogMetadata) {
		this.record('debug', message, metadata);
	}

	// n8n-core requests scoped child loggers. Returning this logger keeps one ordered record.
	scoped() {
		return this;
	}

	private record(level: LogRecord['level'], message: string, metadata?: LogMetadata) {
		let line = `${level} ${message}`;
		if (metadata !== undefined) line += ` ${safeStringify(metadata)}`;
		this.records.push({ level, message, metadata, line });
	}
}

function safeStringify(value: unknown): string {
	const seen = new WeakSet<object>();
	return JSON.stringify(value, (_key, nested: unknown) => {
		if (nested instanceof Error) return { name: nested.name, message: nested.message };
		if (typeof nested === 'object' && nested !== null) {
			if (seen.has(nested)) return '[Circular]';
			seen.add(nested);
		}
		return nested;
	});
}

export const recordingLogger = new RecordingLogger();

let prepared = false;

/**
 * Prepares the process for n8n-core once: a private N8N_USER_FOLDER and the recording
 * logger in both logger slots. Idempotent.
 */
export function prepareEnvironment(): void {
	if (prepared) return;
	prepared = true;

	// n8n-core's InstanceSettings creates `<N8N_USER_FOLDER>/.n8n/config` with an
	// encryption key on first use. Scripts that forget to set the folder must not
	// write into the developer's own ~/.n8n.
	process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'kuaidi100-n8n-'));
	process.env.N8N_DIAGNOSTICS_ENABLED ??= 'false';

	Container.set(Logger, recordingLogger as unknown as Logger);
	LoggerProxy.init(recordingLogger);
}

type ExpressionEngine = 'legacy' | 'vm' | 'quickjs';

let engineStart: Promise<void> | undefined;

/**
 * Starts the expression engine named by N8N_EXPRESSION_ENGINE, as n8n does at startup.
 * The harness defaults to 'legacy', the in-process evaluator n8n's own node tests use.
 * n8n itself defaults to 'vm' (isolated-vm), which needs Node 24 and is not built here.
 * 'quickjs' runs the same expression runtime as 'vm' on WebAssembly. n8n-workflow loads
 * that runtime with a dynamic import(), so under jest it needs
 * NODE_OPTIONS=--experimental-vm-modules.
 */
export async function startExpressionEngine(): Promise<void> {
	const engine = (process.env.N8N_EXPRESSION_ENGINE ?? 'legacy') as ExpressionEngine;
	if (!['legacy', 'vm', 'quickjs'].includes(engine)) {
		throw new UserError(
			`Invalid N8N_EXPRESSION_ENGINE "${engine}": use legacy, vm (Node 24 only) or quickjs`,
		);
	}
	// Defaults of @n8n/config 2.39.0 (ExpressionEngineConfig), the version n8n-core 2.41.1 uses.
	engineStart ??= Expression.initExpressionEngine({
		engine,
		poolSize: 1,
		maxCodeCacheSize: 1024,
		bridgeTimeout: 5000,
		bridgeMemoryLimit: 128,
	});
	await engineStart;
}

/** Returns the log lines recorded since `start` (an index from `logCursor()`). */
export function logLinesSince(start: number): string[] {
	return recordingLogger.records.slice(start).map((record) => record.line);
}

export function logCursor(): number {
	return recordingLogger.records.length;
}
