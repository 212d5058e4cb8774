import type { IDataObject } from 'n8n-workflow';

import type { Carrier } from '../../Kuaidi100/helpers/carriers';
import { getCarrier } from '../../Kuaidi100/helpers/carriers';
import type { EventOrder, WaybillContext } from '../../Kuaidi100/helpers/output';
import { buildEventItems, buildShipmentItem, buildStatusItem, eventFields } from '../../Kuaidi100/helpers/output';
import type { EventMemory } from './eventMemory';
import { eventIdentity, waybillKey } from './eventMemory';

/** Values of the trigger's Output parameter. */
export const PUSH_OUTPUTS = ['events', 'push'] as const;

export type PushOutput = (typeof PUSH_OUTPUTS)[number];

export function isPushOutput(value: unknown): value is PushOutput {
	return PUSH_OUTPUTS.includes(value as PushOutput);
}

/** Name of the push result an item comes from, as Kuaidi100 names it. */
type ResultName = 'lastResult' | 'destResult';

/** Monitor statuses after which Kuaidi100 sends no more pushes for the subscription. */
const STOPPED_STATUSES = new Set(['abort', 'shutdown']);

interface PushResult {
	name: ResultName;
	body: IDataObject;
	context: WaybillContext;
	/** Whether the carrier code is missing from the carrier table (so it has no names). */
	unknownCarrier: boolean;
	carrierCode: string | null;
	trackingNumber: string | null;
	events: IDataObject[];
	/** Per event: whether it was not emitted before; all true without the memory. */
	isNew: boolean[];
	monitorChanged: boolean;
}

interface BuildOptions {
	output: PushOutput;
	/** Present when Only New Events is on. */
	memory: EventMemory | undefined;
	/** The query string of the callback URL, such as an order id added at subscription. */
	callbackQuery: IDataObject;
}

/** Converts the value to text, or to null when it is missing or empty. */
function nonEmptyText(value: unknown): string | null {
	if (value === undefined || value === null || value === '') {
		return null;
	}
	return typeof value === 'string' ? value : String(value);
}

function isPlainObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function eventsOf(body: IDataObject): IDataObject[] {
	return Array.isArray(body.data) ? (body.data as IDataObject[]).filter(isPlainObject) : [];
}

/**
 * Kuaidi100 pushes the full history newest first. The order is still read from
 * the times, so that `isLatest` stays right if a push ever comes oldest first.
 */
function orderOf(events: IDataObject[]): EventOrder {
	const timeOf = (event: IDataObject | undefined) => nonEmptyText(event?.ftime) ?? nonEmptyText(event?.time) ?? '';
	return timeOf(events[0]) < timeOf(events[events.length - 1]) ? 'asc' : 'desc';
}

function carrierFor(code: string | null): { carrier: Carrier; unknownCarrier: boolean } {
	const known = code === null ? undefined : getCarrier(code);
	if (known !== undefined) {
		return { carrier: known, unknownCarrier: false };
	}
	// A code missing from the table still identifies the carrier; it just has no names.
	return {
		carrier: { code: code ?? '', nameZh: '', nameEn: null, type: 'domestic', rank: Number.MAX_SAFE_INTEGER },
		unknownCarrier: true,
	};
}

function monitorKey(push: IDataObject): string {
	return `${nonEmptyText(push.status) ?? ''}|${nonEmptyText(push.message) ?? ''}`;
}

/** Reads one result of a push, with every event counted as new. */
function readResult(name: ResultName, body: IDataObject, fallbackCarrierCode: string | null): PushResult {
	const carrierCode = nonEmptyText(body.com)?.trim().toLowerCase() || fallbackCarrierCode;
	const trackingNumber = nonEmptyText(body.nu)?.trim() || null;
	const { carrier, unknownCarrier } = carrierFor(carrierCode);
	const events = eventsOf(body);
	return {
		name,
		body,
		context: { carrier, trackingNumber: trackingNumber ?? '', candidates: null },
		unknownCarrier,
		carrierCode,
		trackingNumber,
		events,
		isNew: events.map(() => true),
		monitorChanged: true,
	};
}

/**
 * Records a result's events and monitor state in the memory, and returns the
 * result with the events and monitor state marked as new or known.
 */
function recordResult(memory: EventMemory, result: PushResult, monitor: string): PushResult {
	const waybill = waybillKey(result.carrierCode, result.trackingNumber);
	const { isNew, monitorChanged } = memory.record(waybill, result.events.map(eventIdentity), monitor);
	return { ...result, isNew, monitorChanged };
}

/** Corrects the waybill fields that the shared builders cannot express: a missing number or carrier. */
function withWaybillIdentity(item: IDataObject, result: PushResult): IDataObject {
	return {
		...item,
		trackingNumber: result.trackingNumber,
		carrierCode: result.carrierCode,
		carrierName: result.unknownCarrier ? null : item.carrierName,
		carrierNameEn: result.unknownCarrier ? null : item.carrierNameEn,
	};
}

function isStopped(push: IDataObject): boolean {
	return STOPPED_STATUSES.has(nonEmptyText(push.status) ?? '');
}

/** Explains a push without events or a push that ended monitoring; null for an ordinary update. */
function describeMonitoring(push: IDataObject, result: PushResult): string | null {
	const status = nonEmptyText(push.status);
	const reason = nonEmptyText(push.message);
	const comNew = nonEmptyText(push.comNew);
	const because = reason === null ? '' : `: ${reason}`;
	let description: string | null = null;
	if (status === 'abort') {
		description = `Kuaidi100 stopped monitoring this waybill (abort)${because}.`;
	} else if (status === 'shutdown') {
		description = `Kuaidi100 finished monitoring this waybill (shutdown)${because}.`;
	} else if (result.events.length === 0) {
		description = `Kuaidi100 pushed no tracking events for this waybill (monitor status ${status ?? 'missing'}).`;
	}
	if (description !== null && comNew !== null && comNew !== result.carrierCode) {
		description += ` Kuaidi100 corrected the carrier code to ${comNew}.`;
	}
	return description;
}

function monitorFields(push: IDataObject, result: PushResult, callbackQuery: IDataObject): IDataObject {
	return {
		monitorStatus: nonEmptyText(push.status),
		monitorMessage: nonEmptyText(push.message),
		monitoringStopped: isStopped(push),
		autoCheck: nonEmptyText(push.autoCheck),
		comOld: nonEmptyText(push.comOld),
		comNew: nonEmptyText(push.comNew),
		message: describeMonitoring(push, result),
		callbackQuery,
	};
}

function eventItems(push: IDataObject, result: PushResult, callbackQuery: IDataObject): IDataObject[] {
	const all = buildEventItems(result.body, result.context, orderOf(result.events));
	const monitoring = monitorFields(push, result, callbackQuery);
	return all
		.filter((_item, index) => result.isNew[index])
		.map((item) => ({ ...withWaybillIdentity(item, result), ...monitoring, pushResult: result.name }));
}

function statusItem(push: IDataObject, result: PushResult, callbackQuery: IDataObject): IDataObject {
	const monitoring = monitorFields(push, result, callbackQuery);
	const item = buildStatusItem(result.body, result.context, String(monitoring.message ?? ''));
	return { ...withWaybillIdentity(item, result), ...monitoring, pushResult: result.name };
}

/** Builds the shipment-shaped summary of one result, with the events not emitted before. */
function shipmentSummary(result: PushResult, memory: EventMemory | undefined): IDataObject {
	const order = orderOf(result.events);
	const item = withWaybillIdentity(buildShipmentItem(result.body, result.context, order), result);
	const latest = order === 'asc' ? result.events.length - 1 : 0;
	const newEvents =
		memory === undefined
			? null
			: result.events
					.map((event, index) => ({ event, index }))
					.filter(({ index }) => result.isNew[index])
					.map(({ event, index }) => eventFields(event, index, index === latest));
	return { ...item, newEvents };
}

function pushItem(
	push: IDataObject,
	main: PushResult,
	destination: PushResult | undefined,
	options: BuildOptions,
): IDataObject {
	const monitoring = monitorFields(push, main, options.callbackQuery);
	return {
		...shipmentSummary(main, options.memory),
		...monitoring,
		destResult: destination === undefined ? null : shipmentSummary(destination, options.memory),
	};
}

/**
 * Decides whether a push with nothing new still gets an item. It does when it
 * has no events at all or ends monitoring, and its monitor state differs from
 * the last push of the waybill. Without the memory every push gets one.
 */
function needsStatusItem(push: IDataObject, main: PushResult, destination: PushResult | undefined, memory: EventMemory | undefined): boolean {
	if (memory === undefined) {
		return true;
	}
	const noEvents = main.events.length === 0 && (destination?.events.length ?? 0) === 0;
	return (noEvents || isStopped(push)) && main.monitorChanged;
}

/**
 * Builds the output items of one verified push. It returns no items only when
 * the Only New Events memory shows that the push repeats what was emitted
 * before. Otherwise there is at least one item, even for a push without events.
 */
export function buildPushItems(push: IDataObject, options: BuildOptions): IDataObject[] {
	const lastResult = isPlainObject(push.lastResult) ? push.lastResult : {};
	// An abort that corrects the carrier may name the code only in comNew or comOld.
	const fallbackCode = nonEmptyText(push.comNew) ?? nonEmptyText(push.comOld);
	let main = readResult('lastResult', lastResult, fallbackCode);
	let destination = isPlainObject(push.destResult) ? readResult('destResult', push.destResult, null) : undefined;
	if (options.memory !== undefined) {
		// Only the main result carries the push's monitor status; the destination result shares it.
		main = recordResult(options.memory, main, monitorKey(push));
		destination = destination === undefined ? undefined : recordResult(options.memory, destination, '');
	}

	const hasNewEvents = [main, destination].some((result) => result?.isNew.some(Boolean) ?? false);

	if (options.output === 'push') {
		const emitItem = hasNewEvents || needsStatusItem(push, main, destination, options.memory);
		return emitItem ? [pushItem(push, main, destination, options)] : [];
	}

	const items = [
		...eventItems(push, main, options.callbackQuery),
		...(destination === undefined ? [] : eventItems(push, destination, options.callbackQuery)),
	];
	if (items.length === 0 && needsStatusItem(push, main, destination, options.memory)) {
		items.push(statusItem(push, main, options.callbackQuery));
	}
	return items;
}
