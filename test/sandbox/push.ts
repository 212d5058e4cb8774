/**
 * Kuaidi100's push to a subscriber: a form POST of `param` (JSON) and `sign` = upper-case hex
 * MD5(param + salt) to the subscription's callback URL. `sign` is sent whenever the subscription has
 * a salt, an empty-string salt included.
 */
import { request, type Dispatcher } from 'undici';
import { buildTrackResult, parseResultLevel, type JsonObject } from './results';
import { md5Upper, pushSign } from './signing';
import { parentStateOf } from './statuses';
import type { MonitorStatus, Subscription } from './subscribe';
import { findCatalogueWaybill, simWaybill, type Waybill, type WaybillEvent } from './waybills';

export type PushStatus = MonitorStatus | 'updateall';

/** An event for `PushOptions.events`; the code defaults to 0 (in transit), the area to none. */
export interface PushEventInput {
	time: string;
	context: string;
	statusCode?: string;
	areaCode?: string | null;
}

export interface PushOptions {
	/** Carrier of the subscription to push for when one number is subscribed under several carriers. */
	company?: string;
	/** Monitor status; default `shutdown` for a signed waybill, else `polling`. */
	status?: PushStatus;
	/** Text for the monitor status; default `3天查询无记录` with `abort`, else empty. */
	message?: string;
	/** Events newest first, replacing the catalogue's events for this push. */
	events?: PushEventInput[];
	/** Top-level state; default from the catalogue, or the parent state of the newest given event. */
	state?: string;
	ischeck?: '0' | '1';
	/** `1` when the push concerns a carrier code that Kuaidi100 corrected. */
	autoCheck?: '0' | '1';
	comOld?: string;
	comNew?: string;
	/** Sends a sign with one character changed, to test the receiver's verification. */
	tamperSign?: boolean;
}

export interface PushResult {
	/** HTTP status of the callback's response. */
	statusCode: number;
	/** Body of the callback's response. */
	body: string;
	url: string;
	param: string;
	/** `null` when the subscription has no salt and no sign was sent. */
	sign: string | null;
}

/** Time to wait for the callback's response: 20 seconds, as Kuaidi100 does. */
const CALLBACK_TIMEOUT_MS = 20_000;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Rejects a callback URL that is not on this machine, so a push can never reach a real host. */
export function assertLoopbackUrl(callbackurl: string): URL {
	const url = new URL(callbackurl);
	if (!LOOPBACK_HOSTS.has(url.hostname) && !/^127\.\d+\.\d+\.\d+$/.test(url.hostname)) {
		throw new Error(`push callback host "${url.hostname}" is not a loopback address; the sandbox pushes only to 127.0.0.1 or localhost`);
	}
	return url;
}

function pushWaybill(subscription: Subscription, options: PushOptions): Waybill {
	const catalogued = findCatalogueWaybill(subscription.number);
	const base: Waybill = (catalogued?.carrier === subscription.company ? catalogued : undefined) ??
		simWaybill(subscription.number, subscription.company) ?? {
			number: subscription.number,
			carrier: subscription.company,
			phone: null,
			state: '0',
			ischeck: '0',
			condition: 'F00',
			events: [],
			fromAreaCode: null,
			toAreaCode: null,
			isLoop: false,
			purpose: 'subscribed number outside the catalogue',
		};
	if (options.events === undefined && options.state === undefined && options.ischeck === undefined) return base;

	const events: WaybillEvent[] = (options.events ?? base.events).map((input) => ({
		time: input.time,
		context: input.context,
		statusCode: input.statusCode ?? '0',
		areaCode: input.areaCode ?? null,
	}));
	let defaultState = base.state;
	if (options.events !== undefined) defaultState = events.length > 0 ? parentStateOf(events[0].statusCode) : '0';
	const state = options.state ?? defaultState;
	return { ...base, events, state, ischeck: options.ischeck ?? (state === '3' ? '1' : '0') };
}

function tamper(sign: string): string {
	const first = sign[0] === 'A' ? 'B' : 'A';
	return first + sign.slice(1);
}

/** Builds the push's `param` JSON text and its `sign`. */
export function buildPush(subscription: Subscription, options: PushOptions = {}): { param: string; sign: string | null; status: PushStatus } {
	const waybill = pushWaybill(subscription, options);
	const lastResult = buildTrackResult(waybill, {
		level: parseResultLevel(subscription.resultv2),
		order: 'desc',
		lang: 'zh',
		needCourierInfo: false,
	});
	const status: PushStatus = options.status ?? (waybill.ischeck === '1' ? 'shutdown' : 'polling');

	// billstatus is deprecated; Kuaidi100 still sends got, sending or check.
	let billstatus = 'got';
	if (waybill.state === '5') billstatus = 'sending';
	if (waybill.ischeck === '1') billstatus = 'check';
	const body: JsonObject = {
		status,
		billstatus,
		message: options.message ?? (status === 'abort' ? '3天查询无记录' : ''),
		autoCheck: options.autoCheck ?? '0',
	};
	// comOld and comNew are absent in international (interCom) mode, which adds destResult instead.
	if (subscription.interCom === '1') {
		body.lastResult = lastResult;
		body.destResult = { ...lastResult, com: subscription.destinationCom ?? subscription.company };
	} else {
		body.comOld = options.comOld ?? '';
		body.comNew = options.comNew ?? '';
		body.lastResult = lastResult;
	}

	const param = JSON.stringify(body);
	// NOTE: without a salt the sandbox omits `sign`; whether Kuaidi100 then sends an empty field or none
	// is not documented.
	let sign = subscription.salt === null ? null : pushSign(param, subscription.salt);
	if (options.tamperSign) sign = tamper(sign ?? md5Upper(param));
	return { param, sign, status };
}

/** Sends a push and returns the callback's response; a `shutdown` or `abort` push ends monitoring. */
export async function sendPush(subscription: Subscription, options: PushOptions, dispatcher: Dispatcher): Promise<PushResult> {
	const url = assertLoopbackUrl(subscription.callbackurl);
	const { param, sign, status } = buildPush(subscription, options);
	const form = new URLSearchParams({ param });
	if (sign !== null) form.set('sign', sign);

	const response = await request(url, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
		body: form.toString(),
		dispatcher,
		headersTimeout: CALLBACK_TIMEOUT_MS,
		bodyTimeout: CALLBACK_TIMEOUT_MS,
	});
	const body = await response.body.text();

	if (status === 'shutdown' || status === 'abort') subscription.status = status;
	return { statusCode: response.statusCode, body, url: url.toString(), param, sign };
}
