/**
 * `/poll/query.do`, Kuaidi100's real-time query: form fields `customer`, `sign`, `param` and the
 * optional `signType`; sign = upper-case hex MD5(param + key + customer) over the UTF-8 bytes of the
 * `param` value exactly as received.
 */
import { findAccountByCustomer } from './accounts';
import { isKnownCarrier, PHONE_GUARDED_CARRIERS } from './carriers';
import {
	errorReply,
	htmlErrorPage,
	HTML_CONTENT_TYPE,
	isPlainObject,
	JSON_CONTENT_TYPE,
	jsonReply,
	parseParam,
	stringField,
	type EndpointReply,
	type EndpointRequest,
	type ReplyContext,
} from './replies';
import { buildTrackResult, parseResultLevel, type ResultShape } from './results';
import { expectedQuerySign, isSupportedSignType } from './signing';
import {
	ERROR_MESSAGES,
	findCatalogueWaybill,
	findErrorTrigger,
	LOCKED_NUMBER_MESSAGE,
	simWaybill,
	type ErrorTrigger,
	type Waybill,
} from './waybills';

const DAY_MS = 86_400_000;

export interface QueryState {
	/** Queries of one number allowed within 24 hours before the number locks. */
	lockAfter: number;
	now(): number;
	/** Times of recent queries per tracking number, oldest first. */
	queryTimes: Map<string, number[]>;
}

// NOTE: Kuaidi100 documents the codes but not the messages of the individual input errors; the
// texts below the documented ones (`ERROR_MESSAGES`) are the sandbox's own.
const INPUT_MESSAGES = {
	incomplete: '提交数据不完整，customer、sign、param不能为空',
	badSignType: '不支持的签名类型',
	badParam: 'param参数格式错误，不是合法的JSON',
	missingNumber: '快递单号不能为空',
	badNumberLength: '快递单号长度应为6到32个字符',
	missingDestination: 'resultv2为8时目的地to不能为空',
} as const;

export function handleQuery(request: EndpointRequest, state: QueryState): EndpointReply {
	const { form } = request;
	const paramText = form.param;
	const context: ReplyContext = { param: parseParam(paramText), signValid: null };

	// Kuaidi100's table: 500 also means "not submitted by POST".
	if (request.method !== 'POST') return errorReply('500', ERROR_MESSAGES['500'], context);
	if (!form.customer || !form.sign || !paramText) return errorReply('400', INPUT_MESSAGES.incomplete, context);

	const signType = form.signType ?? '';
	if (signType !== '' && !isSupportedSignType(signType)) return errorReply('400', INPUT_MESSAGES.badSignType, context);

	// An unknown customer fails sign verification like a wrong sign does.
	const account = findAccountByCustomer(form.customer);
	const expected = account && expectedQuerySign(paramText, account.account.key, account.account.customer, signType);
	// NOTE: Kuaidi100 requires upper-case hex. Whether it also accepts lower case is not documented,
	// so the sandbox rejects it.
	context.signValid = expected !== undefined && form.sign === expected;
	if (!account || !context.signValid) return errorReply('503', ERROR_MESSAGES['503'], context);
	if (account.expired) return errorReply('601', ERROR_MESSAGES['601'], context);

	const param = context.param;
	if (!isPlainObject(param)) return errorReply('400', INPUT_MESSAGES.badParam, context);
	const com = stringField(param, 'com');
	const num = stringField(param, 'num');
	if (!isKnownCarrier(com)) return errorReply('400', ERROR_MESSAGES['400'], context);
	if (num === '') return errorReply('400', INPUT_MESSAGES.missingNumber, context);
	if (num.length < 6 || num.length > 32) return errorReply('400', INPUT_MESSAGES.badNumberLength, context);

	const level = parseResultLevel(param.resultv2);
	if (level === 8 && stringField(param, 'to').trim() === '') return errorReply('400', INPUT_MESSAGES.missingDestination, context);

	const trigger = findErrorTrigger(num);
	if (trigger) return triggeredReply(trigger, num, com, context);
	if (countAndCheckLock(num, state)) return errorReply('500', LOCKED_NUMBER_MESSAGE, context);

	const phone = stringField(param, 'phone').trim();
	if (PHONE_GUARDED_CARRIERS.has(com) && phone === '') return errorReply('408', ERROR_MESSAGES['408'], context);

	const waybill = findWaybill(num, com);
	if (!waybill) return errorReply('500', ERROR_MESSAGES['500'], context);
	if (PHONE_GUARDED_CARRIERS.has(com) && !phoneMatches(waybill, phone)) return errorReply('408', ERROR_MESSAGES['408'], context);

	const shape: ResultShape = {
		level,
		order: param.order === 'asc' ? 'asc' : 'desc',
		lang: param.lang === 'en' ? 'en' : 'zh',
		needCourierInfo: param.needCourierInfo === true || param.needCourierInfo === 'true',
	};
	// NOTE: `show` (xml, html, text) is ignored, so every response is JSON.
	return jsonReply(buildTrackResult(waybill, shape), null, context);
}

/** Finds the catalogue waybill of this carrier or generates a synthetic one; a catalogue number under another carrier has no result. */
function findWaybill(num: string, com: string): Waybill | undefined {
	const waybill = findCatalogueWaybill(num);
	if (waybill) return waybill.carrier === com ? waybill : undefined;
	return simWaybill(num, com);
}

function phoneMatches(waybill: Waybill, phone: string): boolean {
	if (waybill.acceptsAnyPhone) return true;
	if (waybill.phone === null) return false;
	return phone === waybill.phone || phone === waybill.phone.slice(-4);
}

/**
 * Records a query of `num` and returns whether the number is locked. Kuaidi100 locks a number for
 * 24 hours once it was queried more than 48 times (`lockAfter`) within 24 hours.
 */
function countAndCheckLock(num: string, state: QueryState): boolean {
	const now = state.now();
	const recent = (state.queryTimes.get(num) ?? []).filter((time) => now - time < DAY_MS);
	const locked = recent.length >= state.lockAfter;
	recent.push(now);
	// Only the newest `lockAfter` times can matter, so older ones are dropped to bound memory.
	state.queryTimes.set(num, recent.slice(-Math.max(state.lockAfter, 1)));
	return locked;
}

function triggeredReply(trigger: ErrorTrigger, num: string, com: string, context: ReplyContext): EndpointReply {
	switch (trigger.kind) {
		case 'returnCode':
			return errorReply(trigger.returnCode, trigger.message, context);
		case 'locked':
			return errorReply('500', LOCKED_NUMBER_MESSAGE, context);
		case 'htmlPage':
			return { statusCode: trigger.httpStatus, contentType: HTML_CONTENT_TYPE, body: htmlErrorPage(trigger.httpStatus), returnCode: null, ...context };
		case 'malformedJson': {
			const complete = JSON.stringify({ message: 'ok', state: '0', status: '200', condition: 'F00', ischeck: '0', com, nu: num, data: [] });
			return { statusCode: trigger.httpStatus, contentType: JSON_CONTENT_TYPE, body: complete.slice(0, 40), returnCode: null, ...context };
		}
	}
}
