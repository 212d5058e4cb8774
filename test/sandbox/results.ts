/**
 * Builds the tracking result object that both the real-time query body and a push's `lastResult`
 * carry, shaped by `resultv2`, `order`, `lang` and `needCourierInfo` as Kuaidi100 documents them.
 */
import { AREAS, cityOf, type Area } from './areas';
import { advancedStatusNameOf, basicStatusNameOf } from './statuses';
import { formatBeijingTime, parseBeijingTime, type Waybill, type WaybillEvent } from './waybills';

/**
 * Feature level of `resultv2`: 0 off, 1 area parsing and basic status name, 2 (legacy) level 1 plus
 * routeInfo, 4 advanced status name and code plus routeInfo (legacy 6 is the same), 8 level 4 plus
 * arrival estimate.
 */
export type ResultLevel = 0 | 1 | 2 | 4 | 8;

export interface ResultShape {
	level: ResultLevel;
	order: 'asc' | 'desc';
	lang: 'zh' | 'en';
	needCourierInfo: boolean;
}

// NOTE: values outside Kuaidi100's documented scale (e.g. 3) are treated as 0 because the
// real behaviour for them is unknown.
export function parseResultLevel(raw: unknown): ResultLevel {
	switch (String(raw ?? '').trim()) {
		case '1':
			return 1;
		case '2':
			return 2;
		case '4':
		case '6':
			return 4;
		case '8':
			return 8;
		default:
			return 0;
	}
}

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

function areaOf(event: WaybillEvent): Area | undefined {
	return event.areaCode === null ? undefined : AREAS.get(event.areaCode);
}

function shapeEvent(event: WaybillEvent, shape: ResultShape): JsonObject {
	const context = shape.lang === 'en' && event.contextEn !== undefined ? event.contextEn : event.context;
	const item: JsonObject = { time: event.time, ftime: event.time, context };
	if (shape.level === 0) return item;

	const area = areaOf(event);
	item.areaCode = area?.code ?? null;
	item.areaName = area?.name ?? null;
	if (shape.level < 4) {
		item.status = basicStatusNameOf(event.statusCode);
		return item;
	}

	item.status = advancedStatusNameOf(event.statusCode);
	item.statusCode = event.statusCode;
	item.areaCenter = area?.center ?? null;
	item.areaPinYin = area?.pinyin ?? null;
	item.location = '';
	return item;
}

function routePoint(areaCode: string | null): JsonObject | null {
	const area = areaCode === null ? undefined : AREAS.get(areaCode);
	return area === undefined ? null : { number: area.code, name: area.name };
}

function routeInfo(waybill: Waybill): JsonObject {
	const latestWithArea = waybill.events.find((event) => event.areaCode !== null);
	return {
		from: routePoint(waybill.fromAreaCode),
		cur: routePoint(latestWithArea?.areaCode ?? null),
		to: routePoint(waybill.toAreaCode),
	};
}

const TERMINAL_STATES = new Set(['3', '4', '14']);

/** Total transport time, in hours, that the arrival estimate assumes for every parcel. */
const ESTIMATED_TOTAL_HOURS = 60;

/**
 * Arrival estimate fields of resultv2 8. The predicted route lists each area the waybill passed
 * (oldest first), the current one, and the destination as a predicted node.
 */
// NOTE: Kuaidi100 does not document the unit of totalTime and remainTime on the query. The sandbox
// sends hours as decimal strings, the unit of Kuaidi100's separate time-estimate API.
function arrivalEstimate(waybill: Waybill): JsonObject {
	const oldestFirst = [...waybill.events].reverse();
	const pickupMs = oldestFirst.length > 0 ? parseBeijingTime(oldestFirst[0].time) : parseBeijingTime('2026-05-01 08:00:00');
	const latestMs = waybill.events.length > 0 ? parseBeijingTime(waybill.events[0].time) : pickupMs;
	const finished = TERMINAL_STATES.has(waybill.state);
	const arrivalMs = finished ? latestMs : Math.max(latestMs + 3_600_000, pickupMs + ESTIMATED_TOTAL_HOURS * 3_600_000);
	const remainHours = finished ? 0 : Math.round((arrivalMs - latestMs) / 3_600_000);

	const predictedRoute: JsonObject[] = [];
	const seen = new Set<string>();
	for (const event of oldestFirst) {
		const area = areaOf(event);
		if (area === undefined || seen.has(area.code)) continue;
		seen.add(area.code);
		predictedRoute.push(routeNode(area, event.time, event.time, '已经过节点'));
	}
	if (predictedRoute.length > 0) predictedRoute[predictedRoute.length - 1].state = '当前停留节点';
	const destination = waybill.toAreaCode === null ? undefined : AREAS.get(waybill.toAreaCode);
	if (!finished && destination !== undefined && !seen.has(destination.code)) {
		predictedRoute.push(routeNode(destination, formatBeijingTime(arrivalMs), '', '预估途径节点'));
	}

	return {
		arrivalTime: formatBeijingTime(arrivalMs),
		totalTime: String(Math.round((arrivalMs - pickupMs) / 3_600_000)),
		remainTime: String(remainHours),
		predictedRoute,
	};
}

function routeNode(area: Area, arriveTime: string, leaveTime: string, state: string): JsonObject {
	const [province, city = '', district = ''] = area.name.split(',');
	const isBranch = district !== '';
	return {
		arriveTime,
		leaveTime,
		province,
		city: city === '' ? cityOf(area) : city,
		district,
		name: isBranch ? `${district}网点` : `${cityOf(area).replace(/市$/, '')}转运中心`,
		state,
		type: isBranch ? '网点' : '转运中心',
	};
}

/** Builds the success body of the real-time query, which is also the push's `lastResult`. */
export function buildTrackResult(waybill: Waybill, shape: ResultShape): JsonObject {
	const events = shape.order === 'asc' ? [...waybill.events].reverse() : waybill.events;
	const result: JsonObject = {
		message: 'ok',
		state: waybill.state,
		status: '200',
		condition: waybill.condition,
		ischeck: waybill.ischeck,
		com: waybill.carrier,
		nu: waybill.number,
		data: events.map((event) => shapeEvent(event, shape)),
	};

	if (shape.level === 2 || shape.level >= 4) {
		result.routeInfo = routeInfo(waybill);
		result.isLoop = waybill.isLoop;
	}
	if (shape.level === 8) Object.assign(result, arrivalEstimate(waybill));
	if (shape.needCourierInfo) {
		const courier = waybill.courier;
		result.courierInfo = {
			pickupManName: courier?.pickupManName ?? '',
			pickupManPhone: courier?.pickupManPhone ?? '',
			deliveryManName: courier?.deliveryManName ?? '',
			deliveryManPhone: courier?.deliveryManPhone ?? '',
		};
	}
	return result;
}
