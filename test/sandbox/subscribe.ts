/**
 * `/poll`, Kuaidi100's push subscription: form fields `schema=json` and `param`, the account key
 * inside `param`, no signature.
 */
import { findAccountByKey } from './accounts';
import { isKnownCarrier, SUBSCRIPTION_REFUSED_CARRIER } from './carriers';
import { detectCarriers } from './detection';
import { errorReply, isPlainObject, jsonReply, parseParam, stringField, type EndpointReply, type EndpointRequest, type ReplyContext } from './replies';
import { parseResultLevel } from './results';
import { ERROR_TRIGGER_NUMBERS } from './waybills';

export type MonitorStatus = 'polling' | 'shutdown' | 'abort';

/** An accepted subscription, keyed `${company}:${number}` in `Sandbox.subscriptions`. */
export interface Subscription {
	company: string;
	number: string;
	key: string;
	from: string | null;
	to: string | null;
	callbackurl: string;
	/** `null` when the subscriber sent no salt; an empty string still makes pushes signed. */
	salt: string | null;
	resultv2: string | null;
	autoCom: string | null;
	interCom: string | null;
	departureCountry: string | null;
	departureCom: string | null;
	destinationCountry: string | null;
	destinationCom: string | null;
	phone: string | null;
	/** Monitoring state; a push with status `shutdown` or `abort` ends it. */
	status: MonitorStatus;
	subscribedAt: number;
	/** The `param` object as received. */
	param: Record<string, unknown>;
}

export interface SubscribeState {
	now(): number;
	subscriptions: Map<string, Subscription>;
	/** Times of accepted subscriptions per `${company}:${number}`, for the monthly limit. */
	subscribeTimes: Map<string, number[]>;
	onAccepted(subscription: Subscription): void;
}

/** Kuaidi100 accepts at most 4 subscriptions of one carrier and number per month. */
const MAX_SUBSCRIPTIONS_PER_MONTH = 4;
const MONTH_MS = 30 * 86_400_000;

// Texts of Kuaidi100's subscription code table; the 700 detail texts are the sandbox's own.
export const SUBSCRIBE_MESSAGES = {
	accepted: '提交成功',
	serverError: '服务器错误',
	duplicate: '重复订阅',
	invalidSubscriber: '您不是合法的订阅者（即授权Key出错）',
	keyExpired: 'POLL:KEY已过期',
	badData: '订阅方的订阅数据存在错误（如不支持的快递公司、单号为空、单号超长等）或错误的回调地址',
	refusedCarrier: 'POLL:拒绝订阅的快递公司',
	carrierNotDetected: 'POLL:识别不到该单号对应的快递公司',
} as const;

function optionalField(object: Record<string, unknown>, name: string): string | null {
	return name in object && object[name] !== null ? stringField(object, name) : null;
}

function isHttpUrl(text: string): boolean {
	try {
		const url = new URL(text);
		return url.protocol === 'http:' || url.protocol === 'https:';
	} catch {
		return false;
	}
}

export function handleSubscribe(request: EndpointRequest, state: SubscribeState): EndpointReply {
	const context: ReplyContext = { param: parseParam(request.form.param), signValid: null };
	const fail = (returnCode: string, message: string): EndpointReply => errorReply(returnCode, message, context);

	if (request.method !== 'POST') return fail('500', SUBSCRIBE_MESSAGES.serverError);
	// NOTE: schema=xml (XML param and response) is not implemented and counts as bad data.
	const schema = request.form.schema ?? 'json';
	if (schema !== 'json') return fail('700', SUBSCRIBE_MESSAGES.badData);

	const param = context.param;
	if (!isPlainObject(param)) return fail('700', SUBSCRIBE_MESSAGES.badData);
	const account = findAccountByKey(stringField(param, 'key'));
	if (!account) return fail('600', SUBSCRIBE_MESSAGES.invalidSubscriber);
	if (account.expired) return fail('601', SUBSCRIBE_MESSAGES.keyExpired);

	const parameters = isPlainObject(param.parameters) ? param.parameters : {};
	const number = stringField(param, 'number');
	const callbackurl = stringField(parameters, 'callbackurl');
	if (number.length < 6 || number.length > 32 || !isHttpUrl(callbackurl)) return fail('700', SUBSCRIBE_MESSAGES.badData);

	let company = stringField(param, 'company');
	if (stringField(parameters, 'autoCom') === '1' && company === '') {
		const detection = detectCarriers(number);
		if (!detection.valid || detection.carriers.length === 0) return fail('702', SUBSCRIBE_MESSAGES.carrierNotDetected);
		company = detection.carriers[0];
	}
	if (!isKnownCarrier(company)) return fail('700', SUBSCRIBE_MESSAGES.badData);
	if (company === SUBSCRIPTION_REFUSED_CARRIER) return fail('701', SUBSCRIBE_MESSAGES.refusedCarrier);

	const to = optionalField(param, 'to');
	if (parseResultLevel(parameters.resultv2) === 8 && (to ?? '').trim() === '') return fail('700', SUBSCRIBE_MESSAGES.badData);
	if (number === ERROR_TRIGGER_NUMBERS.code500) return fail('500', SUBSCRIBE_MESSAGES.serverError);

	const mapKey = `${company}:${number}`;
	const now = state.now();
	const recent = (state.subscribeTimes.get(mapKey) ?? []).filter((time) => now - time < MONTH_MS);
	// Kuaidi100 reports both a number still being tracked and the monthly limit as a duplicate.
	if (state.subscriptions.get(mapKey)?.status === 'polling' || recent.length >= MAX_SUBSCRIPTIONS_PER_MONTH) {
		return fail('501', SUBSCRIBE_MESSAGES.duplicate);
	}

	// NOTE: a phone-guarded carrier without `parameters.phone` is accepted; what Kuaidi100 does with
	// such a subscription is not documented.
	const subscription: Subscription = {
		company,
		number,
		key: account.account.key,
		from: optionalField(param, 'from'),
		to,
		callbackurl,
		salt: optionalField(parameters, 'salt'),
		resultv2: optionalField(parameters, 'resultv2'),
		autoCom: optionalField(parameters, 'autoCom'),
		interCom: optionalField(parameters, 'interCom'),
		departureCountry: optionalField(parameters, 'departureCountry'),
		departureCom: optionalField(parameters, 'departureCom'),
		destinationCountry: optionalField(parameters, 'destinationCountry'),
		destinationCom: optionalField(parameters, 'destinationCom'),
		phone: optionalField(parameters, 'phone'),
		status: 'polling',
		subscribedAt: now,
		param,
	};
	recent.push(now);
	state.subscribeTimes.set(mapKey, recent);
	state.subscriptions.set(mapKey, subscription);
	state.onAccepted(subscription);

	return jsonReply({ result: true, returnCode: '200', message: SUBSCRIBE_MESSAGES.accepted }, '200', context);
}
