import { createHash } from 'node:crypto';
import type { IDataObject } from 'n8n-workflow';

/**
 * Waybills remembered at most. When a new waybill would exceed it, the one
 * pushed least recently is forgotten, and its events count as new again if it
 * is ever pushed later.
 */
export const MAX_WAYBILLS = 500;

/**
 * Events remembered per waybill at most. Beyond it the oldest are forgotten,
 * and `knownUntil` keeps the newest time among them, so a forgotten event
 * still counts as known when a later push repeats the full history.
 */
export const MAX_EVENTS_PER_WAYBILL = 100;

/** Characters of base64url SHA-256 kept per event: 48 bits, compared only within one waybill. */
export const EVENT_KEY_LENGTH = 8;

/** Characters of base64url SHA-256 kept per waybill key: 72 bits, so two of 500 waybills collide with a chance of about 3e-17. */
export const WAYBILL_KEY_LENGTH = 12;

/** Characters of base64url SHA-256 kept of the monitor state: 48 bits, compared only within one waybill. */
export const MONITOR_KEY_LENGTH = 8;

/** Characters of `knownUntil` kept: the length of Kuaidi100's `yyyy-MM-dd HH:mm:ss`. */
export const MAX_TIME_LENGTH = 19;

/** Version 1 stored the waybill key and the monitor state as plain text, of any length. */
const MEMORY_VERSION = 2;

/** Record the memory keeps per waybill. */
interface WaybillMemory {
	/** Order of the last push that touched the waybill; the smallest is evicted first. */
	sequence: number;
	/** Event keys, oldest first. */
	events: string[];
	/** Newest event time among evicted keys, shortened by storableTime; null when none was evicted. */
	knownUntil: string | null;
	/** Hash of the monitor status and message of the last push. */
	monitor: string | null;
}

/** The memory as stored in the workflow's static data. */
export interface EventMemoryState {
	version: number;
	sequence: number;
	/** Remembered waybills by the hash of their key. */
	waybills: Record<string, WaybillMemory>;
}

/** Identity of one event in the memory. */
export interface EventIdentity {
	key: string;
	/** Kuaidi100's `time` (`yyyy-MM-dd HH:mm:ss`), which sorts as text; empty when absent. */
	time: string;
}

/** Outcome of recording one waybill's push. */
export interface WaybillUpdate {
	/** Per event of the push, in its order: whether it was not emitted before. */
	isNew: boolean[];
	/** Whether the monitor status or message differs from the last push (true for an unknown waybill). */
	monitorChanged: boolean;
}

/** Converts the value to text, or to '' when it is missing. */
function textOrEmpty(value: unknown): string {
	if (value === undefined || value === null) {
		return '';
	}
	return typeof value === 'string' ? value : String(value);
}

/** Orders events by time as text, the order in which Kuaidi100's fixed-width times sort. */
function compareTimes(a: EventIdentity, b: EventIdentity): number {
	if (a.time < b.time) return -1;
	if (a.time > b.time) return 1;
	return 0;
}

/** Returns the first `length` characters of the base64url SHA-256 of `value`. */
function shortHash(value: string, length: number): string {
	return createHash('sha256').update(value, 'utf8').digest('base64url').slice(0, length);
}

/** Identifies an event by its time and text, the two fields a repeated push repeats unchanged. */
export function eventIdentity(event: IDataObject): EventIdentity {
	const time = textOrEmpty(event.time) || textOrEmpty(event.ftime);
	return { key: shortHash(`${time}\n${textOrEmpty(event.context)}`, EVENT_KEY_LENGTH), time };
}

/** Returns the key a waybill is remembered by: carrier code and tracking number. The memory stores its hash. */
export function waybillKey(carrierCode: string | null, trackingNumber: string | null): string {
	return `${carrierCode ?? ''}:${trackingNumber ?? ''}`;
}

/**
 * Shortens a time for `knownUntil` to at most MAX_TIME_LENGTH characters,
 * cutting it at the first character that Kuaidi100's format does not use. A
 * prefix sorts before the whole time, so the shortened limit marks no more
 * events as known than the whole time would. Null when nothing is left.
 */
function storableTime(time: string | null): string | null {
	if (time === null) {
		return null;
	}
	const prefix = /^[0-9 :-]*/.exec(time.slice(0, MAX_TIME_LENGTH))?.[0] ?? '';
	return prefix === '' ? null : prefix;
}

function isWaybillMemory(value: unknown): value is WaybillMemory {
	if (typeof value !== 'object' || value === null) {
		return false;
	}
	const memory = value as WaybillMemory;
	return (
		typeof memory.sequence === 'number' &&
		Array.isArray(memory.events) &&
		memory.events.every((key) => typeof key === 'string') &&
		(memory.knownUntil === null || typeof memory.knownUntil === 'string') &&
		(memory.monitor === null || typeof memory.monitor === 'string')
	);
}

/**
 * Remembers which events the trigger emitted, per waybill, within fixed bounds
 * (see MAX_WAYBILLS and MAX_EVENTS_PER_WAYBILL). It works on a copy; `toState`
 * returns what to store back.
 */
export class EventMemory {
	private sequence: number;

	private readonly waybills: Record<string, WaybillMemory>;

	/**
	 * Starts from stored state. State of version 1 is converted by hashing its
	 * waybill keys and monitor states. Anything unreadable, or of another
	 * version, starts an empty memory.
	 */
	constructor(stored: unknown) {
		this.sequence = 0;
		this.waybills = {};
		const state = stored as Partial<EventMemoryState> | undefined;
		const readable =
			typeof state === 'object' &&
			state !== null &&
			(state.version === MEMORY_VERSION || state.version === 1) &&
			typeof state.sequence === 'number' &&
			typeof state.waybills === 'object' &&
			state.waybills !== null;
		if (!readable) {
			return;
		}

		this.sequence = state.sequence as number;
		for (const [key, memory] of Object.entries(state.waybills as Record<string, unknown>)) {
			if (!isWaybillMemory(memory)) {
				continue;
			}
			if (state.version === 1) {
				this.waybills[shortHash(key, WAYBILL_KEY_LENGTH)] = {
					sequence: memory.sequence,
					events: [...memory.events],
					knownUntil: storableTime(memory.knownUntil),
					monitor: memory.monitor === null ? null : shortHash(memory.monitor, MONITOR_KEY_LENGTH),
				};
			} else {
				this.waybills[key] = { ...memory, events: [...memory.events] };
			}
		}
	}

	/**
	 * Records the events and monitor state of one waybill from a push and
	 * returns which of the events are new. `waybill` is the key from
	 * `waybillKey`, and `monitor` any text that changes with the monitor state.
	 * Only hashes of both are stored.
	 */
	record(waybill: string, events: EventIdentity[], monitor: string): WaybillUpdate {
		const key = shortHash(waybill, WAYBILL_KEY_LENGTH);
		const monitorKey = shortHash(monitor, MONITOR_KEY_LENGTH);
		const previous = this.waybills[key];
		const known = new Set(previous?.events ?? []);
		const knownUntil = previous?.knownUntil ?? null;
		const isNew = events.map(
			(event) => !known.has(event.key) && !(knownUntil !== null && event.time <= knownUntil),
		);

		// New keys join oldest first, so eviction from the front drops the oldest events.
		const added = events
			.filter((_event, index) => isNew[index])
			.sort(compareTimes);
		const keys = [...(previous?.events ?? [])];
		for (const event of added) {
			if (!keys.includes(event.key)) keys.push(event.key);
		}

		let newestEvicted = knownUntil;
		if (keys.length > MAX_EVENTS_PER_WAYBILL) {
			const timeByKey = new Map(events.map((event) => [event.key, event.time]));
			for (const evictedKey of keys.splice(0, keys.length - MAX_EVENTS_PER_WAYBILL)) {
				const time = timeByKey.get(evictedKey);
				if (time !== undefined && (newestEvicted === null || time > newestEvicted)) {
					newestEvicted = time;
				}
			}
		}

		this.sequence += 1;
		this.waybills[key] = {
			sequence: this.sequence,
			events: keys,
			knownUntil: storableTime(newestEvicted),
			monitor: monitorKey,
		};
		this.evictWaybills();
		return { isNew, monitorChanged: previous?.monitor !== monitorKey };
	}

	private evictWaybills(): void {
		const keys = Object.keys(this.waybills);
		if (keys.length <= MAX_WAYBILLS) {
			return;
		}
		keys.sort((a, b) => this.waybills[a].sequence - this.waybills[b].sequence);
		for (const key of keys.slice(0, keys.length - MAX_WAYBILLS)) {
			delete this.waybills[key];
		}
	}

	toState(): EventMemoryState {
		return { version: MEMORY_VERSION, sequence: this.sequence, waybills: this.waybills };
	}
}

/**
 * Computes the JSON size in bytes of the largest state: MAX_WAYBILLS waybills
 * that each keep MAX_EVENTS_PER_WAYBILL event keys and a `knownUntil` of
 * MAX_TIME_LENGTH characters. Every stored string is a base64url hash or a
 * time of digits, spaces, '-' and ':', so each character is one byte. Sequence
 * numbers are counted at 16 digits, the width of Number.MAX_SAFE_INTEGER.
 */
function largestStateBytes(): number {
	const largestWaybill: WaybillMemory = {
		sequence: Number.MAX_SAFE_INTEGER,
		events: new Array<string>(MAX_EVENTS_PER_WAYBILL).fill('e'.repeat(EVENT_KEY_LENGTH)),
		knownUntil: '0'.repeat(MAX_TIME_LENGTH),
		monitor: 'm'.repeat(MONITOR_KEY_LENGTH),
	};
	// `"key":{...}` and the comma that separates it from the next waybill.
	const waybillBytes = JSON.stringify({ ['w'.repeat(WAYBILL_KEY_LENGTH)]: largestWaybill }).length - 2 + 1;
	const emptyBytes = JSON.stringify({ version: MEMORY_VERSION, sequence: Number.MAX_SAFE_INTEGER, waybills: {} }).length;
	return emptyBytes + MAX_WAYBILLS * waybillBytes - 1;
}

/**
 * Upper bound of the memory's size as JSON, in bytes. With the limits above it
 * is 606,054: 500 waybills of 1,212 bytes, and 54 bytes for the version, the
 * sequence and the outer braces. A waybill takes 15 bytes for its key, 28 for
 * its sequence, 1,111 for 100 event keys, 35 for `knownUntil`, 21 for the
 * monitor hash, and 2 for its closing brace and the comma after it. n8n saves
 * the memory with the workflow after each push that changes it.
 */
export const MAX_MEMORY_BYTES = largestStateBytes();
