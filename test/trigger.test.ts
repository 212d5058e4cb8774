import { createHash } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IDataObject } from 'n8n-workflow';

import type { CallWebhookOptions, CallWebhookResult } from './harness';
import { callWebhook, runNode, runWebhookMethod } from './harness';
import type { Sandbox } from './sandbox';
import { FAKE_ACCOUNT, WAYBILL_NUMBERS, startSandbox } from './sandbox';
import {
	EVENT_KEY_LENGTH,
	EventMemory,
	MAX_EVENTS_PER_WAYBILL,
	MAX_MEMORY_BYTES,
	MAX_TIME_LENGTH,
	MAX_WAYBILLS,
	MONITOR_KEY_LENGTH,
	WAYBILL_KEY_LENGTH,
	eventIdentity,
} from '../nodes/Kuaidi100Trigger/helpers/eventMemory';
import { readPushFields } from '../nodes/Kuaidi100Trigger/helpers/push';

const SALT = 's4ltFake';
const CREDENTIALS = {
	kuaidi100Api: {
		customer: 'CUSTFAKE00000000000000000000000A',
		key: 'K3yFake000',
		salt: SALT,
		baseUrl: 'http://127.0.0.1:9',
	},
};
const CREDENTIALS_WITHOUT_SALT = { kuaidi100Api: { ...CREDENTIALS.kuaidi100Api, salt: '' } };
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const STATIC_KEY = 'node:Kuaidi100 Trigger';
const ACKNOWLEDGEMENT_TEXT = '{"result":true,"returnCode":"200","message":"成功"}';

/** Kuaidi100's push sign from its documentation: upper-case hex MD5 of param followed by the salt. */
function documentedSign(param: string, salt: string): string {
	return createHash('md5').update(param + salt, 'utf8').digest('hex').toUpperCase();
}

/** Key of a waybill in the stored memory: the start of the base64url SHA-256 of `carrier:number`. */
function storedWaybillKey(waybill: string): string {
	return createHash('sha256').update(waybill, 'utf8').digest('base64url').slice(0, WAYBILL_KEY_LENGTH);
}

function formBody(fields: Record<string, string>): string {
	return new URLSearchParams(fields).toString();
}

/** Builds a resultv2=4 event as Kuaidi100 pushes it. */
function advancedEvent(time: string, context: string, status: string, statusCode: string, area: [string, string, string, string]) {
	const [areaCode, areaName, areaCenter, areaPinYin] = area;
	return { time, ftime: time, context, areaCode, areaName, status, statusCode, areaCenter, areaPinYin, location: '' };
}

const HANGZHOU: [string, string, string, string] = ['CN330106000000', '浙江,杭州市,西湖区', '120.130203,30.259324', 'xi hu qu'];
const BEIJING: [string, string, string, string] = ['CN110000000000', '北京', '116.405285,39.904989', 'bei jing shi'];
const SHANGHAI: [string, string, string, string] = ['CN310115000000', '上海,上海市,浦东新区', '121.544346,31.221461', 'pu dong xin qu'];

const PICKED_UP = advancedEvent('2026-05-01 16:30:12', '【浙江省杭州市西湖区公司】已揽收', '揽收', '103', HANGZHOU);
const TRUNK = advancedEvent('2026-05-02 22:15:33', '【北京转运中心】已发出，下一站【北京市朝阳区望京公司】', '干线', '1002', BEIJING);
const SIGNED = advancedEvent(
	'2026-05-03 09:05:41',
	'【上海市浦东新区A&B+1号驿站】快件已签收，签收人：本人，如有疑问请联系 021-5555 0000',
	'本人签收',
	'301',
	SHANGHAI,
);

/** Builds a push `param` in the shape of Kuaidi100's documented sample (resultv2 4): monitor fields, then lastResult. */
function pushParam(overrides: IDataObject = {}, lastResult: IDataObject = {}): string {
	return JSON.stringify({
		status: 'polling',
		billstatus: 'got',
		message: '',
		autoCheck: '0',
		comOld: '',
		comNew: '',
		...overrides,
		lastResult: {
			message: 'ok',
			nu: 'YT7100000000001',
			ischeck: '0',
			condition: 'F00',
			com: 'yuantong',
			status: '200',
			state: '0',
			data: [TRUNK, PICKED_UP],
			routeInfo: {
				from: { number: 'CN330106000000', name: '浙江,杭州市,西湖区' },
				cur: { number: 'CN110000000000', name: '北京' },
				to: null,
			},
			isLoop: false,
			...lastResult,
		},
	});
}

function signedBody(param: string, sign = documentedSign(param, SALT)): string {
	return formBody({ param, sign });
}

function trigger(extra: Partial<CallWebhookOptions> = {}): CallWebhookOptions {
	return { type: 'kuaidi100Trigger', credentials: CREDENTIALS, headers: FORM, parameters: {}, ...extra };
}

function itemsOf(result: CallWebhookResult): IDataObject[] {
	return (result.workflowData?.[0] ?? []).map((item) => item.json);
}

function flipFirstHex(sign: string): string {
	return (sign[0] === 'A' ? 'B' : 'A') + sign.slice(1);
}

describe('push acknowledgement', () => {
	test('valid push answered with exact body', async () => {
		const param = pushParam();
		const result = await callWebhook(trigger({ body: signedBody(param) }));

		expect(result.error).toBeUndefined();
		expect(result.response.statusCode).toBe(200);
		expect(result.response.headers['content-type']).toBe('application/json; charset=utf-8');
		expect(JSON.stringify(result.response.body)).toBe(ACKNOWLEDGEMENT_TEXT);
		expect(itemsOf(result)).toHaveLength(2);
	});
});

describe('push signature', () => {
	const param = pushParam({}, { state: '3', ischeck: '1', data: [SIGNED, TRUNK, PICKED_UP] });
	const sign = documentedSign(param, SALT);

	test('param with Chinese, & and + is accepted', async () => {
		expect(param).toContain('快件已签收，签收人：本人');
		expect(param).toContain('A&B+1号');
		const result = await callWebhook(trigger({ body: signedBody(param, sign) }));

		expect(result.response.body).toEqual({ result: true, returnCode: '200', message: '成功' });
		const [latest] = itemsOf(result);
		expect(latest.context).toBe('【上海市浦东新区A&B+1号驿站】快件已签收，签收人：本人，如有疑问请联系 021-5555 0000');
		expect(latest.status).toBe('delivered');
		expect(latest.isSigned).toBe(true);
	});

	test('upper- and lower-case signs are both accepted', async () => {
		expect(sign).toMatch(/^[0-9A-F]{32}$/);
		const upper = await callWebhook(trigger({ body: signedBody(param, sign) }));
		const lower = await callWebhook(trigger({ body: signedBody(param, sign.toLowerCase()) }));

		expect(itemsOf(upper)).toHaveLength(3);
		expect(itemsOf(lower)).toHaveLength(3);
	});

	test('sign with one flipped character is rejected', async () => {
		const result = await callWebhook(trigger({ body: signedBody(param, flipFirstHex(sign)) }));

		expect(result.workflowData).toBeUndefined();
		expect(result.response.body).toEqual({ result: false, returnCode: '503', message: 'Push rejected: sign mismatch' });
		const warning = result.logs.find((line) => line.startsWith('warn Kuaidi100 Trigger rejected a push'));
		expect(warning).toContain('sign mismatch');
		expect(warning).toContain('YT7100000000001');
	});

	test('param with one flipped character is rejected', async () => {
		const tampered = param.replace('签收人：本人', '签收人：他人');
		const result = await callWebhook(trigger({ body: signedBody(tampered, sign) }));

		expect(result.workflowData).toBeUndefined();
		expect(result.response.body).toMatchObject({ result: false, returnCode: '503' });
	});

	test('sign over re-serialised JSON is rejected', async () => {
		const reserialised = JSON.stringify(JSON.parse(param), null, 1);
		const result = await callWebhook(trigger({ body: signedBody(reserialised, sign) }));

		expect(result.workflowData).toBeUndefined();
		expect(result.logs.join('\n')).toContain('sign mismatch');
	});

	test('missing sign is rejected', async () => {
		const result = await callWebhook(trigger({ body: formBody({ param }) }));

		expect(result.workflowData).toBeUndefined();
		expect(result.response.body).toEqual({ result: false, returnCode: '503', message: 'Push rejected: missing sign' });
		expect(result.logs.join('\n')).toContain('missing sign');
	});

	test('unparsable param is rejected with 400', async () => {
		const garbage = '{"status":"polling","lastResult":';
		const result = await callWebhook(trigger({ body: signedBody(garbage) }));

		expect(result.workflowData).toBeUndefined();
		expect(result.response.body).toEqual({ result: false, returnCode: '400', message: 'Push rejected: unparsable param' });
		expect(result.logs.join('\n')).toContain('unparsable param');
	});

	test('param already parsed without raw form is rejected', async () => {
		const result = await callWebhook(
			trigger({ headers: { 'content-type': 'application/json' }, body: { param: JSON.parse(param) as IDataObject, sign } }),
		);

		expect(result.workflowData).toBeUndefined();
		expect(result.response.body).toMatchObject({ result: false, returnCode: '503' });
		expect(result.logs.join('\n')).toContain('param not verifiable');
	});

	test('parsed param is re-read from the raw form body', () => {
		const raw = Buffer.from(signedBody(param, sign), 'utf8');
		const fields = readPushFields({ param: JSON.parse(param) as IDataObject, sign }, raw);

		expect(fields.rawParam).toBe(param);
		expect(fields.sign).toBe(sign);
	});

	test('raw form body with unencoded UTF-8 is read as UTF-8', () => {
		// Only & and + need escaping for the form; the Chinese text stays as raw UTF-8 bytes.
		const raw = Buffer.from(`param=${param.replace(/&/g, '%26').replace(/\+/g, '%2B')}&sign=${sign}`, 'utf8');
		const fields = readPushFields({ param: JSON.parse(param) as IDataObject }, raw);

		expect(fields.rawParam).toBe(param);
	});

	test('credential without salt accepts unsigned push', async () => {
		const result = await callWebhook(trigger({ credentials: CREDENTIALS_WITHOUT_SALT, body: formBody({ param }) }));

		expect(JSON.stringify(result.response.body)).toBe(ACKNOWLEDGEMENT_TEXT);
		expect(itemsOf(result)).toHaveLength(3);
	});

	test('credential without salt accepts parsed param', async () => {
		const result = await callWebhook(
			trigger({
				credentials: CREDENTIALS_WITHOUT_SALT,
				headers: { 'content-type': 'application/json' },
				body: { param: JSON.parse(param) as IDataObject },
			}),
		);

		expect(JSON.stringify(result.response.body)).toBe(ACKNOWLEDGEMENT_TEXT);
		expect(itemsOf(result)).toHaveLength(3);
	});

	test('no secret in logs, items or replies', async () => {
		const accepted = await callWebhook(trigger({ body: signedBody(param, sign) }));
		const rejected = await callWebhook(trigger({ body: signedBody(param, flipFirstHex(sign)) }));
		const missing = await callWebhook(trigger({ body: formBody({ param }) }));

		const everything = [accepted, rejected, missing]
			.map((result) => JSON.stringify([result.logs, result.response, result.workflowData ?? null, result.staticData]))
			.join('\n');
		for (const secret of [SALT, sign, sign.toLowerCase(), flipFirstHex(sign), param + SALT, 'K3yFake000', 'CUSTFAKE00000000000000000000000A']) {
			expect(everything).not.toContain(secret);
		}
	});
});

describe('push items', () => {
	test('resultv2 4 fields map to the item schema', async () => {
		const result = await callWebhook(trigger({ body: signedBody(pushParam()) }));
		const [trunk, pickedUp] = itemsOf(result);

		expect(trunk).toEqual({
			trackingNumber: 'YT7100000000001',
			carrierCode: 'yuantong',
			carrierName: '圆通速递',
			carrierNameEn: 'YTO Express',
			carrierCandidates: null,
			state: '0',
			status: 'in_transit',
			isSigned: false,
			eventCount: 2,
			eventIndex: 0,
			isLatest: true,
			time: '2026-05-02T22:15:33+08:00',
			timeRaw: '2026-05-02 22:15:33',
			ftime: '2026-05-02 22:15:33',
			context: '【北京转运中心】已发出，下一站【北京市朝阳区望京公司】',
			eventStatusCode: '1002',
			eventStatusName: '干线',
			eventStatus: 'in_transit',
			areaCode: 'CN110000000000',
			areaName: '北京',
			areaCenter: '116.405285,39.904989',
			areaPinYin: 'bei jing shi',
			location: '',
			message: null,
			monitorStatus: 'polling',
			monitorMessage: null,
			monitoringStopped: false,
			autoCheck: '0',
			comOld: null,
			comNew: null,
			callbackQuery: {},
			pushResult: 'lastResult',
		});
		expect(pickedUp).toMatchObject({ eventIndex: 1, isLatest: false, eventStatusCode: '103', eventStatus: 'picked_up' });
	});

	test('callback query string reaches the items', async () => {
		const result = await callWebhook(trigger({ body: signedBody(pushParam()), query: { orderId: 'A-1001' } }));

		expect(itemsOf(result)[0].callbackQuery).toEqual({ orderId: 'A-1001' });
	});

	test('carrier correction fields are output', async () => {
		const param = pushParam({ autoCheck: '1', comOld: 'yunda', comNew: 'yuantong' });
		const [item] = itemsOf(await callWebhook(trigger({ body: signedBody(param) })));

		expect(item).toMatchObject({ autoCheck: '1', comOld: 'yunda', comNew: 'yuantong', carrierCode: 'yuantong', carrierName: '圆通速递' });
	});

	test('abort without events gives one stop item', async () => {
		const param = pushParam(
			{ status: 'abort', message: '3天查询无记录' },
			{ message: '', ischeck: '0', state: '0', data: [], routeInfo: null },
		);
		const result = await callWebhook(trigger({ body: signedBody(param) }));

		expect(JSON.stringify(result.response.body)).toBe(ACKNOWLEDGEMENT_TEXT);
		const items = itemsOf(result);
		expect(items).toHaveLength(1);
		expect(items[0]).toMatchObject({
			trackingNumber: 'YT7100000000001',
			carrierCode: 'yuantong',
			status: 'no_information',
			eventCount: 0,
			eventIndex: null,
			context: null,
			monitorStatus: 'abort',
			monitorMessage: '3天查询无记录',
			monitoringStopped: true,
			message: 'Kuaidi100 stopped monitoring this waybill (abort): 3天查询无记录.',
		});
	});

	test('abort that corrects the carrier says so', async () => {
		const param = pushParam(
			{ status: 'abort', message: '3天查询无记录', comNew: 'yuantong' },
			{ com: 'yunda', data: [] },
		);
		const [item] = itemsOf(await callWebhook(trigger({ body: signedBody(param) })));

		expect(item.carrierCode).toBe('yunda');
		expect(item.comNew).toBe('yuantong');
		expect(item.message).toBe(
			'Kuaidi100 stopped monitoring this waybill (abort): 3天查询无记录. Kuaidi100 corrected the carrier code to yuantong.',
		);
	});

	test('polling push without events gives one item', async () => {
		const param = pushParam({}, { data: [] });
		const items = itemsOf(await callWebhook(trigger({ body: signedBody(param) })));

		expect(items).toHaveLength(1);
		expect(items[0]).toMatchObject({
			status: 'no_information',
			monitoringStopped: false,
			message: 'Kuaidi100 pushed no tracking events for this waybill (monitor status polling).',
		});
	});

	test('unknown carrier code keeps the code without names', async () => {
		const param = pushParam({}, { com: 'someNewCarrier' });
		const [item] = itemsOf(await callWebhook(trigger({ body: signedBody(param) })));

		expect(item).toMatchObject({ carrierCode: 'somenewcarrier', carrierName: null, carrierNameEn: null });
	});

	test('push mode gives one item with all events', async () => {
		const param = pushParam({}, { state: '3', ischeck: '1', data: [SIGNED, TRUNK, PICKED_UP] });
		const status = { ...JSON.parse(param), status: 'shutdown' } as IDataObject;
		const shutdownParam = JSON.stringify(status);
		const result = await callWebhook(trigger({ parameters: { output: 'push' }, body: signedBody(shutdownParam) }));
		const items = itemsOf(result);

		expect(items).toHaveLength(1);
		const [item] = items;
		expect(item).toMatchObject({
			trackingNumber: 'YT7100000000001',
			carrierCode: 'yuantong',
			state: '3',
			status: 'delivered',
			isSigned: true,
			eventCount: 3,
			latestTime: '2026-05-03T09:05:41+08:00',
			latestEventStatus: 'delivered',
			isLoop: false,
			monitorStatus: 'shutdown',
			monitoringStopped: true,
			message: 'Kuaidi100 finished monitoring this waybill (shutdown).',
			destResult: null,
			newEvents: null,
		});
		expect(item.routeInfo).toEqual({
			from: { number: 'CN330106000000', name: '浙江,杭州市,西湖区' },
			cur: { number: 'CN110000000000', name: '北京' },
			to: null,
		});
		const events = item.events as IDataObject[];
		expect(events.map((event) => event.eventStatusCode)).toEqual(['301', '1002', '103']);
		expect(events[0].isLatest).toBe(true);
	});

	test('international push outputs the destination result', async () => {
		const destResult = {
			message: 'ok',
			nu: 'EM000000008JP',
			ischeck: '0',
			condition: 'F00',
			com: 'japanposten',
			status: '200',
			state: '8',
			data: [{ time: '2026-05-06 10:00:00', ftime: '2026-05-06 10:00:00', context: 'Customs clearance started' }],
		};
		// International mode has no comOld and comNew.
		const param = JSON.stringify({
			status: 'polling',
			billstatus: 'got',
			message: '',
			autoCheck: '0',
			lastResult: {
				message: 'ok',
				nu: 'EM000000008JP',
				ischeck: '0',
				condition: 'F00',
				com: 'ems',
				status: '200',
				state: '0',
				data: [{ time: '2026-05-04 08:00:00', ftime: '2026-05-04 08:00:00', context: '【上海国际邮件处理中心】已出口直封' }],
			},
			destResult,
		});

		const pushMode = itemsOf(await callWebhook(trigger({ parameters: { output: 'push' }, body: signedBody(param) })));
		expect(pushMode).toHaveLength(1);
		expect(pushMode[0]).toMatchObject({ carrierCode: 'ems', comOld: null, comNew: null, eventCount: 1 });
		expect(pushMode[0].destResult).toMatchObject({
			trackingNumber: 'EM000000008JP',
			carrierCode: 'japanposten',
			carrierNameEn: 'Japan Post',
			state: '8',
			status: 'customs',
			latestContext: 'Customs clearance started',
		});

		const eventMode = itemsOf(await callWebhook(trigger({ body: signedBody(param) })));
		expect(eventMode.map((item) => [item.pushResult, item.carrierCode, item.status])).toEqual([
			['lastResult', 'ems', 'in_transit'],
			['destResult', 'japanposten', 'customs'],
		]);
	});
});

const onlyNewEvents = { options: { onlyNewEvents: true } };

describe('output parameter', () => {
	test('invalid value is not acknowledged', async () => {
		const result = await callWebhook(trigger({ parameters: { output: 'Push', ...onlyNewEvents }, body: signedBody(pushParam()) }));

		expect(result.workflowData).toBeUndefined();
		expect(result.response.body).toEqual({ result: false, returnCode: '500', message: 'Push not processed: invalid node configuration' });
		expect(result.staticData[STATIC_KEY]).toBeUndefined();
	});

	test('invalid value is logged with valid ones', async () => {
		const result = await callWebhook(trigger({ parameters: { output: 'Push' }, body: signedBody(pushParam()) }));

		const error = result.logs.find((line) => line.startsWith('error Kuaidi100 Trigger'));
		expect(error).toContain('Output (output)');
		expect(error).toContain('"Push"');
		expect(error).toContain('"events"');
		expect(error).toContain('"push"');
		expect(error).toContain('YT7100000000001');
	});

	test('expression with invalid value is rejected', async () => {
		const result = await callWebhook(trigger({ parameters: { output: '={{ "per push" }}' }, body: signedBody(pushParam()) }));

		expect(result.workflowData).toBeUndefined();
		expect(result.response.body).toMatchObject({ result: false, returnCode: '500' });
	});

	test('failing expression is rejected', async () => {
		const result = await callWebhook(trigger({ parameters: { output: '={{ $("Nowhere").item.json.output }}' }, body: signedBody(pushParam()) }));

		expect(result.error).toBeUndefined();
		expect(result.response.body).toMatchObject({ result: false, returnCode: '500' });
		const error = result.logs.find((line) => line.startsWith('error Kuaidi100 Trigger'));
		expect(error).toContain('Output (output) failed to resolve');
	});

	test('expression with valid value works', async () => {
		const result = await callWebhook(trigger({ parameters: { output: '={{ "push" }}' }, body: signedBody(pushParam()) }));

		expect(JSON.stringify(result.response.body)).toBe(ACKNOWLEDGEMENT_TEXT);
		expect(itemsOf(result)).toHaveLength(1);
	});
});

describe('only new events', () => {
	const onlyNew = onlyNewEvents;

	test('identical push twice emits nothing the second time', async () => {
		const body = signedBody(pushParam());
		const first = await callWebhook(trigger({ parameters: onlyNew, body }));
		const second = await callWebhook(trigger({ parameters: onlyNew, body, staticData: first.staticData }));

		expect(itemsOf(first)).toHaveLength(2);
		expect(second.workflowData).toBeUndefined();
		expect(JSON.stringify(second.response.body)).toBe(ACKNOWLEDGEMENT_TEXT);
	});

	test('without the option a repeated push emits again', async () => {
		const body = signedBody(pushParam());
		const first = await callWebhook(trigger({ body }));
		const second = await callWebhook(trigger({ body, staticData: first.staticData }));

		expect(itemsOf(second)).toHaveLength(2);
	});

	test('a later push emits only its new event', async () => {
		const first = await callWebhook(trigger({ parameters: onlyNew, body: signedBody(pushParam()) }));
		const later = pushParam({}, { state: '3', ischeck: '1', data: [SIGNED, TRUNK, PICKED_UP] });
		const second = await callWebhook(trigger({ parameters: onlyNew, body: signedBody(later), staticData: first.staticData }));

		const items = itemsOf(second);
		expect(items).toHaveLength(1);
		expect(items[0]).toMatchObject({ eventStatusCode: '301', eventIndex: 0, isLatest: true, eventCount: 3, status: 'delivered' });
	});

	test('memory is kept per carrier and number', async () => {
		const first = await callWebhook(trigger({ parameters: onlyNew, body: signedBody(pushParam()) }));
		const otherNumber = pushParam({}, { nu: 'YT7100000000002' });
		const second = await callWebhook(trigger({ parameters: onlyNew, body: signedBody(otherNumber), staticData: first.staticData }));

		expect(itemsOf(second)).toHaveLength(2);
	});

	test('abort after known events emits a stop item once', async () => {
		const first = await callWebhook(trigger({ parameters: onlyNew, body: signedBody(pushParam()) }));
		const abort = signedBody(pushParam({ status: 'abort', message: '60天无变化' }));
		const second = await callWebhook(trigger({ parameters: onlyNew, body: abort, staticData: first.staticData }));
		const third = await callWebhook(trigger({ parameters: onlyNew, body: abort, staticData: second.staticData }));

		const items = itemsOf(second);
		expect(items).toHaveLength(1);
		expect(items[0]).toMatchObject({
			status: 'in_transit',
			eventCount: 2,
			eventIndex: null,
			monitorStatus: 'abort',
			monitoringStopped: true,
			message: 'Kuaidi100 stopped monitoring this waybill (abort): 60天无变化.',
		});
		expect(third.workflowData).toBeUndefined();
	});

	test('push mode lists the new events', async () => {
		const parameters = { output: 'push', ...onlyNew };
		const first = await callWebhook(trigger({ parameters, body: signedBody(pushParam()) }));
		const later = pushParam({}, { state: '3', ischeck: '1', data: [SIGNED, TRUNK, PICKED_UP] });
		const second = await callWebhook(trigger({ parameters, body: signedBody(later), staticData: first.staticData }));
		const third = await callWebhook(trigger({ parameters, body: signedBody(later), staticData: second.staticData }));

		expect((itemsOf(first)[0].newEvents as IDataObject[]).length).toBe(2);
		const [item] = itemsOf(second);
		expect((item.events as IDataObject[]).length).toBe(3);
		expect((item.newEvents as IDataObject[]).map((event) => event.eventStatusCode)).toEqual(['301']);
		expect(third.workflowData).toBeUndefined();
	});

	test('memory is stored in the node static data', async () => {
		const result = await callWebhook(trigger({ parameters: onlyNew, body: signedBody(pushParam()) }));
		const memory = (result.staticData[STATIC_KEY] as IDataObject).eventMemory as IDataObject;

		expect(memory.version).toBe(2);
		expect(Object.keys(memory.waybills as IDataObject)).toEqual([storedWaybillKey('yuantong:YT7100000000001')]);
	});
});

describe('event memory size', () => {
	// JSON of the largest remembered waybill, written out with the comma before the next one.
	// The sequence has 16 digits, the width of Number.MAX_SAFE_INTEGER.
	const eventKeys = new Array(MAX_EVENTS_PER_WAYBILL).fill(`"${'e'.repeat(EVENT_KEY_LENGTH)}"`).join(',');
	const largestWaybill =
		`"${'w'.repeat(WAYBILL_KEY_LENGTH)}":{"sequence":9007199254740991,"events":[${eventKeys}],` +
		`"knownUntil":"${'0'.repeat(MAX_TIME_LENGTH)}","monitor":"${'m'.repeat(MONITOR_KEY_LENGTH)}"},`;
	const emptyState = '{"version":2,"sequence":9007199254740991,"waybills":{}}';
	/** `HH:mm:ss` of the index-th second after 10:00:00. */
	const clock = (index: number) =>
		`10:${String(Math.floor(index / 60)).padStart(2, '0')}:${String(index % 60).padStart(2, '0')}`;

	test('stated bound matches the stored shape', () => {
		expect(largestWaybill).toHaveLength(1212);
		expect(MAX_MEMORY_BYTES).toBe(emptyState.length + MAX_WAYBILLS * largestWaybill.length - 1);
	});

	test('huge nu and message stay small', async () => {
		const waybills = 5;
		let staticData: IDataObject | undefined;
		for (let index = 0; index < waybills; index++) {
			const param = pushParam(
				{ message: `${index}`.padEnd(20_000, '天') },
				{ nu: `YT${index}`.padEnd(20_000, '7'), data: [PICKED_UP] },
			);
			const result = await callWebhook(trigger({ credentials: CREDENTIALS_WITHOUT_SALT, parameters: onlyNewEvents, body: formBody({ param }), staticData }));
			expect(itemsOf(result)).toHaveLength(1);
			staticData = result.staticData;
		}

		const memory = (staticData?.[STATIC_KEY] as IDataObject).eventMemory as IDataObject;
		expect(Object.keys(memory.waybills as IDataObject)).toHaveLength(waybills);
		const wrapper = `{"${STATIC_KEY}":{"eventMemory":}}`.length;
		const bound = wrapper + emptyState.length + waybills * largestWaybill.length;
		expect(Buffer.byteLength(JSON.stringify(staticData), 'utf8')).toBeLessThanOrEqual(bound);
	});

	test('full memory stays within the bound', () => {
		const memory = new EventMemory(undefined);
		const longTime = (index: number) => `2026-05-01 ${clock(index)}${'9'.repeat(1000)}`;
		// More events than are kept, so every waybill stores a knownUntil.
		const history = Array.from({ length: MAX_EVENTS_PER_WAYBILL + 1 }, (_unused, index) =>
			eventIdentity({ time: longTime(index), context: `event ${index}` }),
		);
		for (let index = 0; index <= MAX_WAYBILLS; index++) {
			memory.record(`yuantong:${'7'.repeat(10_000)}${index}`, history, `polling|${'天'.repeat(10_000)}`);
		}

		const json = JSON.stringify(memory.toState());
		expect(Object.keys(memory.toState().waybills)).toHaveLength(MAX_WAYBILLS);
		expect(Buffer.byteLength(json, 'utf8')).toBeLessThanOrEqual(MAX_MEMORY_BYTES);
	});

	test('long evicted time is shortened safely', () => {
		const memory = new EventMemory(undefined);
		const history = Array.from({ length: MAX_EVENTS_PER_WAYBILL + 1 }, (_unused, index) =>
			eventIdentity({ time: `2026-05-01 ${clock(index)}.${'5'.repeat(1000)}`, context: `event ${index}` }),
		);
		memory.record('yuantong:YT1', history, 'polling|');

		const stored = memory.toState().waybills[storedWaybillKey('yuantong:YT1')];
		// The oldest event, 10:00:00.5…, was evicted, and only its 19 characters of yyyy-MM-dd HH:mm:ss are kept.
		expect(stored.knownUntil).toBe('2026-05-01 10:00:00');
		const sameSecond = eventIdentity({ time: '2026-05-01 10:00:00.9', context: 'later in the same second' });
		expect(memory.record('yuantong:YT1', [sameSecond], 'polling|').isNew).toEqual([true]);
	});
});

describe('event memory bounds', () => {
	const event = (day: number, index: number) =>
		eventIdentity({ time: `2026-05-${String(day).padStart(2, '0')} 10:${String(index % 60).padStart(2, '0')}:00`, context: `event ${index}` });

	test('least recently pushed waybill is forgotten', () => {
		const memory = new EventMemory(undefined);
		const first = [event(1, 0)];
		for (let index = 0; index <= MAX_WAYBILLS; index++) {
			memory.record(`yuantong:N${index}`, first, 'polling|');
		}

		const waybills = memory.toState().waybills;
		expect(MAX_WAYBILLS).toBe(500);
		expect(Object.keys(waybills)).toHaveLength(500);
		expect(waybills[storedWaybillKey('yuantong:N0')]).toBeUndefined();
		expect(waybills[storedWaybillKey('yuantong:N500')]).toBeDefined();
		expect(memory.record('yuantong:N0', first, 'polling|').isNew).toEqual([true]);
	});

	test('forgotten old events still count as known', () => {
		const memory = new EventMemory(undefined);
		// 120 events, newest first, as a push lists them.
		const history = Array.from({ length: 120 }, (_unused, index) => event(1 + Math.floor(index / 60), index)).reverse();
		expect(memory.record('yuantong:YT1', history, 'polling|').isNew.every(Boolean)).toBe(true);

		const stored = memory.toState().waybills[storedWaybillKey('yuantong:YT1')];
		expect(MAX_EVENTS_PER_WAYBILL).toBe(100);
		expect(stored.events).toHaveLength(100);
		expect(stored.knownUntil).toBe('2026-05-01 10:19:00');

		const again = new EventMemory(JSON.parse(JSON.stringify(memory.toState())));
		const newer = event(3, 0);
		expect(again.record('yuantong:YT1', [newer, ...history], 'polling|').isNew.filter(Boolean)).toHaveLength(1);
	});

	test('unreadable stored state starts empty', () => {
		const memory = new EventMemory({ version: 99, waybills: 'broken' });

		expect(memory.record('yuantong:YT1', [event(1, 0)], 'polling|')).toEqual({ isNew: [true], monitorChanged: true });
	});

	test('unknown version starts empty', () => {
		const known = new EventMemory(undefined);
		known.record('yuantong:YT1', [event(1, 0)], 'polling|');
		const state = known.toState();
		const memory = new EventMemory({ ...state, version: 3 });

		expect(memory.record('yuantong:YT1', [event(1, 0)], 'polling|')).toEqual({ isNew: [true], monitorChanged: true });
	});

	test('version 1 state is converted', () => {
		// Version 1 stored `carrier:number` and `status|message` as plain text.
		const version1 = {
			version: 1,
			sequence: 7,
			waybills: {
				'yuantong:YT1': { sequence: 7, events: [event(1, 1).key], knownUntil: '2026-05-01 10:00:00', monitor: 'polling|' },
			},
		};
		const memory = new EventMemory(version1);

		expect(Object.keys(memory.toState().waybills)).toEqual([storedWaybillKey('yuantong:YT1')]);
		expect(memory.record('yuantong:YT1', [event(1, 1), event(1, 0)], 'polling|')).toEqual({
			isNew: [false, false],
			monitorChanged: false,
		});
		expect(memory.toState().version).toBe(2);
	});
});

describe('webhook methods', () => {
	const hook = { type: 'kuaidi100Trigger', credentials: CREDENTIALS, parameters: {} };
	const productionUrl = 'http://127.0.0.1:5678/webhook/00000000-0000-4000-8000-000000000001/kuaidi100';

	test('create records the URL and checkExists finds it', async () => {
		const before = await runWebhookMethod({ ...hook, method: 'checkExists' });
		const created = await runWebhookMethod({ ...hook, method: 'create' });
		const after = await runWebhookMethod({ ...hook, method: 'checkExists', staticData: created.staticData });

		expect(before.result).toBe(false);
		expect(created.result).toBe(true);
		const registration = ((created.staticData[STATIC_KEY] as IDataObject).registrations as IDataObject).production as IDataObject;
		expect(registration.webhookUrl).toBe(productionUrl);
		expect(Number.isNaN(Date.parse(String(registration.activatedAt)))).toBe(false);
		expect(after.result).toBe(true);
	});

	test('create warns about a loopback URL', async () => {
		const created = await runWebhookMethod({ ...hook, method: 'create' });

		expect(created.logs.some((line) => line.startsWith('warn') && line.includes('127.0.0.1'))).toBe(true);
	});

	test('create warns about a missing salt', async () => {
		const created = await runWebhookMethod({ ...hook, credentials: CREDENTIALS_WITHOUT_SALT, method: 'create' });

		expect(created.logs.some((line) => line.includes('no Push Salt'))).toBe(true);
	});

	test('delete removes the record but keeps the memory', async () => {
		const created = await runWebhookMethod({ ...hook, method: 'create' });
		const pushed = await callWebhook(
			trigger({ parameters: { options: { onlyNewEvents: true } }, body: signedBody(pushParam()), staticData: created.staticData }),
		);
		const deleted = await runWebhookMethod({ ...hook, method: 'delete', staticData: pushed.staticData });
		const after = await runWebhookMethod({ ...hook, method: 'checkExists', staticData: deleted.staticData });

		expect(deleted.result).toBe(true);
		expect(after.result).toBe(false);
		const nodeData = deleted.staticData[STATIC_KEY] as IDataObject;
		expect(nodeData.registrations).toEqual({});
		expect(nodeData.eventMemory).toBeDefined();
	});
});

describe('sandbox push end to end', () => {
	let sandbox: Sandbox;
	let relay: Server;
	let relayUrl: string;
	let staticData: IDataObject | undefined;
	const delivered: CallWebhookResult[] = [];

	function readBody(request: IncomingMessage): Promise<Buffer> {
		return new Promise((resolve, reject) => {
			const chunks: Buffer[] = [];
			request.on('data', (chunk: Buffer) => chunks.push(chunk));
			request.on('end', () => resolve(Buffer.concat(chunks)));
			request.on('error', reject);
		});
	}

	// Relay in place of n8n's HTTP front: it passes each raw push to the trigger through the harness.
	beforeAll(async () => {
		sandbox = await startSandbox();
		relay = createServer((request, response) => {
			void readBody(request).then(async (body) => {
				const result = await callWebhook({
					type: 'kuaidi100Trigger',
					credentials: { kuaidi100Api: { ...CREDENTIALS.kuaidi100Api, baseUrl: sandbox.url } },
					parameters: { options: { onlyNewEvents: true } },
					headers: { 'content-type': String(request.headers['content-type']) },
					body,
					staticData,
				});
				staticData = result.staticData;
				delivered.push(result);
				response.writeHead(result.response.statusCode, { 'content-type': 'application/json; charset=utf-8' });
				response.end(JSON.stringify(result.response.body));
			});
		});
		await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
		relayUrl = `http://127.0.0.1:${(relay.address() as AddressInfo).port}/webhook/kuaidi100`;
	});

	afterAll(async () => {
		await sandbox.close();
		await new Promise<void>((resolve) => relay.close(() => resolve()));
	});

	test('subscribe then push reaches the trigger', async () => {
		const subscribed = await runNode({
			type: 'kuaidi100',
			parameters: {
				resource: 'tracking',
				operation: 'subscribe',
				carrier: { __rl: true, mode: 'code', value: 'yuantong' },
				trackingNumber: WAYBILL_NUMBERS.yuantongInTransit,
				callbackUrl: relayUrl,
				options: { resultDetail: '4' },
			},
			credentials: { kuaidi100Api: { ...CREDENTIALS.kuaidi100Api, baseUrl: sandbox.url } },
		});
		expect(subscribed.error).toBeUndefined();
		expect(subscribed.outputs[0][0].json).toMatchObject({ subscribed: true, returnCode: '200' });

		const first = await sandbox.push(WAYBILL_NUMBERS.yuantongInTransit);
		expect(first.body).toBe(ACKNOWLEDGEMENT_TEXT);
		expect(first.sign).toBe(documentedSign(first.param, FAKE_ACCOUNT.salt));
		const items = itemsOf(delivered[0]);
		expect(items).toHaveLength(5);
		expect(items[0]).toMatchObject({ trackingNumber: 'YT7100000000001', carrierCode: 'yuantong', isLatest: true, monitorStatus: 'polling' });

		const repeated = await sandbox.push(WAYBILL_NUMBERS.yuantongInTransit);
		expect(repeated.body).toBe(ACKNOWLEDGEMENT_TEXT);
		expect(delivered[1].workflowData).toBeUndefined();

		const tampered = await sandbox.push(WAYBILL_NUMBERS.yuantongInTransit, { tamperSign: true });
		expect(JSON.parse(tampered.body)).toEqual({ result: false, returnCode: '503', message: 'Push rejected: sign mismatch' });
		expect(delivered[2].workflowData).toBeUndefined();
	});
});
