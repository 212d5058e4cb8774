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

// Estimated worst case: 500 waybills × 100 keys of 11 JSON bytes ≈ 0.6 MB of static data,
// saved with the workflow after each push that changes it.

/** Characters of base64url SHA-256 kept per event: 48 bits, compared only within one waybill. */
const EVENT_KEY_LENGTH = 8;

const MEMORY_VERSION = 1;

/** Record the memory keeps per waybill. */
interface WaybillMemory {
	/** Order of the last push that touched the waybill; the smallest is evicted first. */
	sequence: number;
	/** Event keys, oldest first. */
	events: string[];
	/** Newest event time among evicted keys, as Kuaidi100 wrote it; null when none was evicted. */
	knownUntil: string | null;
	/** Monitor status and message of the last push, as `status|message`. */
	monitor: string | null;
}

/** The memory as stored in the workflow's static data. */
export interface EventMemoryState {
	version: number;
	sequence: number;
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

function text(value: unknown): string {
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

/** Identifies an event by its time and text, the two fields a repeated push repeats unchanged. */
export function eventIdentity(event: IDataObject): EventIdentity {
	const time = text(event.time) || text(event.ftime);
	const key = createHash('sha256')
		.update(`${time}\n${text(event.context)}`, 'utf8')
		.digest('base64url')
		.slice(0, EVENT_KEY_LENGTH);
	return { key, time };
}

/** Returns the key a waybill is remembered under: carrier code and tracking number. */
export function waybillKey(carrierCode: string | null, trackingNumber: string | null): string {
	return `${carrierCode ?? ''}:${trackingNumber ?? ''}`;
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

	/** Starts from stored state; anything unreadable starts an empty memory. */
	constructor(stored: unknown) {
		const state = stored as Partial<EventMemoryState> | undefined;
		const valid =
			typeof state === 'object' &&
			state !== null &&
			state.version === MEMORY_VERSION &&
			typeof state.sequence === 'number' &&
			typeof state.waybills === 'object' &&
			state.waybills !== null;
		this.sequence = valid ? (state.sequence as number) : 0;
		this.waybills = {};
		if (valid) {
			for (const [key, memory] of Object.entries(state.waybills as Record<string, unknown>)) {
				if (isWaybillMemory(memory)) {
					this.waybills[key] = { ...memory, events: [...memory.events] };
				}
			}
		}
	}

	/**
	 * Records the events and monitor state of one waybill from a push and
	 * returns which of the events are new.
	 */
	record(key: string, events: EventIdentity[], monitor: string): WaybillUpdate {
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
		this.waybills[key] = { sequence: this.sequence, events: keys, knownUntil: newestEvicted, monitor };
		this.evictWaybills();
		return { isNew, monitorChanged: previous?.monitor !== monitor };
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
