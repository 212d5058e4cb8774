/**
 * Checks the Kuaidi100 sandbox against Kuaidi100's documented wire format. Signatures are computed
 * here from the documented formulas with node:crypto, never with the sandbox's own helpers.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';

import {
	CATALOGUE,
	ERROR_TRIGGER_NUMBERS,
	EXPIRED_ACCOUNT,
	FAKE_ACCOUNT,
	FREE_ACCOUNT,
	SHUNFENG_PHONE,
	SUBSCRIPTION_REFUSED_CARRIER,
	WAYBILL_NUMBERS,
	ZHONGTONG_PHONE,
	startSandbox,
	type Sandbox,
	type SandboxOptions,
} from './sandbox';

/** Upper-case hex MD5 over UTF-8, the signature format of Kuaidi100's documentation. */
function md5(text: string): string {
	return createHash('md5').update(text, 'utf8').digest('hex').toUpperCase();
}

interface HttpAnswer {
	statusCode: number;
	body: string;
}

async function postForm(url: string, fields: Record<string, string>, dispatcher?: Agent): Promise<HttpAnswer> {
	const response = await request(url, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams(fields).toString(),
		dispatcher,
	});
	return { statusCode: response.statusCode, body: await response.body.text() };
}

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

interface QueryOptions {
	account?: { customer: string; key: string };
	signType?: string;
}

/** Sends a signed real-time query with `param` exactly as given. */
async function query(sandbox: Sandbox, param: string, options: QueryOptions = {}): Promise<HttpAnswer> {
	const account = options.account ?? FAKE_ACCOUNT;
	const fields: Record<string, string> = { customer: account.customer, sign: md5(param + account.key + account.customer), param };
	if (options.signType !== undefined) fields.signType = options.signType;
	return postForm(`${sandbox.url}/poll/query.do`, fields);
}

async function queryJson(sandbox: Sandbox, param: Record<string, unknown>, options: QueryOptions = {}): Promise<Json> {
	const answer = await query(sandbox, JSON.stringify(param), options);
	expect(answer.statusCode).toBe(200);
	return JSON.parse(answer.body);
}

async function subscribe(sandbox: Sandbox, param: Record<string, unknown>): Promise<Json> {
	const answer = await postForm(`${sandbox.url}/poll`, { schema: 'json', param: JSON.stringify(param) });
	expect(answer.statusCode).toBe(200);
	return JSON.parse(answer.body);
}

async function detect(sandbox: Sandbox, key: string, num: string, shape: 'queryString' | 'form'): Promise<Json> {
	const answer =
		shape === 'queryString'
			? await postForm(`${sandbox.url}/autonumber/auto?${new URLSearchParams({ key, num })}`, {})
			: await postForm(`${sandbox.url}/autonumber/auto`, { key, num });
	expect(answer.statusCode).toBe(200);
	return JSON.parse(answer.body);
}

/** Collects every string, number and boolean leaf with its path, to check scalar types. */
function scalarLeaves(value: unknown, path = '$'): Array<[string, unknown]> {
	if (value === null || typeof value !== 'object') return [[path, value]];
	return Object.entries(value).flatMap(([key, child]) => scalarLeaves(child, `${path}.${key}`));
}

describe('signature test vectors', () => {
	it('reproduces the documented query sign', () => {
		const param = '{"com":"yuantong","num":"YT1234567890","phone":"","resultv2":"4","show":"0","order":"desc"}';
		expect(md5(param + 'testkey' + 'testcustomer')).toBe('00641F2C45BC54C4A7B55528A472A34D');
	});

	it('reproduces the documented Python-spaced sign', () => {
		const param = '{"com": "yuantong", "num": "YT1234567890", "phone": "", "resultv2": "4", "show": "0", "order": "desc"}';
		expect(md5(param + 'testkey' + 'testcustomer')).toBe('E7A1C0489B154DB41F8440DD99952DA7');
	});

	it('reproduces the documented callback sign', () => {
		const param =
			'{"status":"polling","message":"","lastResult":{"message":"ok","nu":"YT1","ischeck":"0","com":"yuantong","status":"200","state":"0","data":[]}}';
		expect(md5(param + 'mysalt')).toBe('A21E813A2E2FF1125F37C5AC1B773E54');
	});
});

describe('sandbox real-time query', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox();
	});
	afterAll(async () => {
		await sandbox.close();
	});

	describe('signature', () => {
		const paramWithSpecials = JSON.stringify({
			com: 'yuantong',
			num: WAYBILL_NUMBERS.yuantongInTransit,
			from: '广东省深圳市南山区A&B+1号',
			to: '北京市朝阳区',
			resultv2: '4',
		});

		it('accepts a sign over Chinese, & and +', async () => {
			const answer = await query(sandbox, paramWithSpecials);
			const body = JSON.parse(answer.body);

			expect(answer.statusCode).toBe(200);
			expect(body.message).toBe('ok');
			expect(body.nu).toBe(WAYBILL_NUMBERS.yuantongInTransit);
			const recorded = sandbox.requests[sandbox.requests.length - 1];
			expect(recorded.form.param).toBe(paramWithSpecials);
			expect(recorded.signValid).toBe(true);
		});

		it('rejects a param changed by one byte', async () => {
			const sign = md5(paramWithSpecials + FAKE_ACCOUNT.key + FAKE_ACCOUNT.customer);
			const changed = paramWithSpecials.replace('1号', '2号');
			const answer = await postForm(`${sandbox.url}/poll/query.do`, { customer: FAKE_ACCOUNT.customer, sign, param: changed });

			expect(answer.statusCode).toBe(200);
			expect(JSON.parse(answer.body)).toEqual({ result: false, returnCode: '503', message: '验证签名失败' });
			expect(sandbox.requests[sandbox.requests.length - 1].signValid).toBe(false);
		});

		it('rejects a sign changed by one character', async () => {
			const sign = md5(paramWithSpecials + FAKE_ACCOUNT.key + FAKE_ACCOUNT.customer);
			const changedSign = (sign[0] === '0' ? '1' : '0') + sign.slice(1);
			const answer = await postForm(`${sandbox.url}/poll/query.do`, { customer: FAKE_ACCOUNT.customer, sign: changedSign, param: paramWithSpecials });

			expect(JSON.parse(answer.body).returnCode).toBe('503');
		});

		it('accepts a Python-spaced param signed as sent', async () => {
			const param = `{"com": "yuantong", "num": "${WAYBILL_NUMBERS.yuantongDelivered}", "resultv2": "1"}`;
			const body = JSON.parse((await query(sandbox, param)).body);

			expect(body.message).toBe('ok');
			expect(body.state).toBe('3');
		});

		it('rejects key and customer swapped', async () => {
			const param = JSON.stringify({ com: 'yuantong', num: WAYBILL_NUMBERS.yuantongInTransit });
			const answer = await postForm(`${sandbox.url}/poll/query.do`, {
				customer: FAKE_ACCOUNT.key,
				sign: md5(param + FAKE_ACCOUNT.customer + FAKE_ACCOUNT.key),
				param,
			});

			expect(JSON.parse(answer.body).returnCode).toBe('503');
		});

		it('rejects an unknown customer', async () => {
			const body = await queryJson(sandbox, { com: 'yuantong', num: WAYBILL_NUMBERS.yuantongInTransit }, {
				account: { customer: 'CUSTUNKNOWN000000000000000000000', key: FAKE_ACCOUNT.key },
			});

			expect(body.returnCode).toBe('503');
		});

		it('accepts signType SHA256', async () => {
			const param = JSON.stringify({ com: 'yuantong', num: WAYBILL_NUMBERS.yuantongInTransit });
			const sign = createHash('sha256').update(param + FAKE_ACCOUNT.key + FAKE_ACCOUNT.customer, 'utf8').digest('hex').toUpperCase();
			const answer = await postForm(`${sandbox.url}/poll/query.do`, { customer: FAKE_ACCOUNT.customer, sign, param, signType: 'SHA256' });

			expect(JSON.parse(answer.body).message).toBe('ok');
		});
	});

	describe('accounts', () => {
		it('answers 601 for the expired account', async () => {
			const body = await queryJson(sandbox, { com: 'yuantong', num: WAYBILL_NUMBERS.yuantongInTransit }, { account: EXPIRED_ACCOUNT });
			expect(body).toEqual({ result: false, returnCode: '601', message: 'key已过期' });
		});

		it('answers the free account', async () => {
			const body = await queryJson(sandbox, { com: 'yuantong', num: WAYBILL_NUMBERS.yuantongInTransit }, { account: FREE_ACCOUNT });
			expect(body.message).toBe('ok');
		});
	});

	describe('input errors', () => {
		it('answers 400 without the form content type', async () => {
			const param = JSON.stringify({ com: 'yuantong', num: WAYBILL_NUMBERS.yuantongInTransit });
			const response = await request(`${sandbox.url}/poll/query.do`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ customer: FAKE_ACCOUNT.customer, sign: md5(param + FAKE_ACCOUNT.key + FAKE_ACCOUNT.customer), param }),
			});
			expect(JSON.parse(await response.body.text()).returnCode).toBe('400');
		});

		it('answers 400 for param that is not JSON', async () => {
			const body = JSON.parse((await query(sandbox, '{"com":"yuantong","num":')).body);
			expect(body.returnCode).toBe('400');
		});

		it.each([
			['a missing num', { com: 'yuantong' }],
			['a 5-character num', { com: 'yuantong', num: '12345' }],
			['a 33-character num', { com: 'yuantong', num: '1'.repeat(33) }],
			['an unknown carrier code', { com: 'YTO', num: WAYBILL_NUMBERS.yuantongInTransit }],
			['an upper-case carrier code', { com: 'YUANTONG', num: WAYBILL_NUMBERS.yuantongInTransit }],
			['a missing carrier code', { num: WAYBILL_NUMBERS.yuantongInTransit }],
			['resultv2 8 without to', { com: 'yuantong', num: WAYBILL_NUMBERS.yuantongInTransit, resultv2: '8' }],
		])('answers 400 for %s', async (_case, param) => {
			const body = await queryJson(sandbox, param);
			expect(body.result).toBe(false);
			expect(body.returnCode).toBe('400');
		});

		it('accepts a 12-digit number of the right length', async () => {
			const body = await queryJson(sandbox, { com: 'yuantong', num: '123456789012' });
			expect(body.returnCode).toBe('500');
		});

		it('answers 500 for a GET request', async () => {
			const response = await request(`${sandbox.url}/poll/query.do`);
			expect(JSON.parse(await response.body.text()).returnCode).toBe('500');
		});
	});

	describe('phone rule', () => {
		const sfNumber = WAYBILL_NUMBERS.shunfengOutForDelivery;

		it.each([
			['missing', { com: 'shunfeng', num: sfNumber }],
			['empty', { com: 'shunfeng', num: sfNumber, phone: '' }],
			['wrong', { com: 'shunfeng', num: sfNumber, phone: '13800009999' }],
			['wrong last 4 digits', { com: 'shunfeng', num: sfNumber, phone: '9999' }],
			['missing for zhongtong', { com: 'zhongtong', num: WAYBILL_NUMBERS.zhongtongInTransit }],
		])('answers 408 for a %s phone', async (_case, param) => {
			const body = await queryJson(sandbox, param);
			expect(body).toEqual({ result: false, returnCode: '408', message: '快递公司参数异常：验证码错误' });
		});

		it.each([
			['shunfeng', sfNumber, SHUNFENG_PHONE],
			['shunfeng', sfNumber, SHUNFENG_PHONE.slice(-4)],
			['zhongtong', WAYBILL_NUMBERS.zhongtongInTransit, ZHONGTONG_PHONE],
			['zhongtong', WAYBILL_NUMBERS.zhongtongInTransit, ZHONGTONG_PHONE.slice(-4)],
		])('answers %s %s with phone %s', async (com, num, phone) => {
			const body = await queryJson(sandbox, { com, num, phone });
			expect(body.message).toBe('ok');
			expect(body.com).toBe(com);
		});
	});

	describe('no result', () => {
		it('answers 500 for a number outside the catalogue', async () => {
			const body = await queryJson(sandbox, { com: 'yuantong', num: 'YT9999999999999' });
			expect(body).toEqual({ result: false, returnCode: '500', message: '查询无结果，请隔段时间再查' });
		});

		it('answers 500 for a number under the wrong carrier', async () => {
			const body = await queryJson(sandbox, { com: 'zhongtong', num: WAYBILL_NUMBERS.yuantongInTransit, phone: '1234' });
			expect(body.returnCode).toBe('500');
		});
	});

	describe('error-trigger numbers', () => {
		it.each([
			[ERROR_TRIGGER_NUMBERS.code400, '400'],
			[ERROR_TRIGGER_NUMBERS.code408, '408'],
			[ERROR_TRIGGER_NUMBERS.code500, '500'],
			[ERROR_TRIGGER_NUMBERS.code501, '501'],
			[ERROR_TRIGGER_NUMBERS.code502, '502'],
			[ERROR_TRIGGER_NUMBERS.code503, '503'],
			[ERROR_TRIGGER_NUMBERS.code601, '601'],
			[ERROR_TRIGGER_NUMBERS.unknownCode999, '999'],
			[ERROR_TRIGGER_NUMBERS.locked, '500'],
		])('%s answers returnCode %s with HTTP 200', async (num, returnCode) => {
			const answer = await query(sandbox, JSON.stringify({ com: 'yuantong', num }));
			const body = JSON.parse(answer.body);

			expect(answer.statusCode).toBe(200);
			expect(body.result).toBe(false);
			expect(body.returnCode).toBe(returnCode);
			expect(typeof body.message).toBe('string');
			expect(body.message).not.toBe('');
		});

		it('answers an HTML page with HTTP 502', async () => {
			const answer = await query(sandbox, JSON.stringify({ com: 'yuantong', num: ERROR_TRIGGER_NUMBERS.htmlPage502 }));
			expect(answer.statusCode).toBe(502);
			expect(answer.body).toContain('<html>');
		});

		it('answers malformed JSON with HTTP 200', async () => {
			const answer = await query(sandbox, JSON.stringify({ com: 'yuantong', num: ERROR_TRIGGER_NUMBERS.malformedJson200 }));
			expect(answer.statusCode).toBe(200);
			expect(() => JSON.parse(answer.body)).toThrow(SyntaxError);
		});
	});

	describe('success body', () => {
		it('has the documented top-level fields as strings', async () => {
			const body = await queryJson(sandbox, { com: 'yuantong', num: WAYBILL_NUMBERS.yuantongDelivered });

			expect(body).toMatchObject({ message: 'ok', nu: WAYBILL_NUMBERS.yuantongDelivered, ischeck: '1', com: 'yuantong', status: '200', state: '3' });
			expect(typeof body.condition).toBe('string');
			expect(body).not.toHaveProperty('returnCode');
			expect(body).not.toHaveProperty('result');
		});

		it('sends only time, ftime and context without resultv2', async () => {
			const body = await queryJson(sandbox, { com: 'yuantong', num: WAYBILL_NUMBERS.yuantongInTransit });

			expect(body.data).toHaveLength(5);
			for (const item of body.data) expect(Object.keys(item).sort()).toEqual(['context', 'ftime', 'time']);
			expect(body).not.toHaveProperty('routeInfo');
			expect(body).not.toHaveProperty('isLoop');
		});

		it('keeps state 0 when the latest text reports a failed delivery', async () => {
			const body = await queryJson(sandbox, { com: 'yuantong', num: WAYBILL_NUMBERS.yuantongInTransit });

			expect(body.state).toBe('0');
			expect(body.ischeck).toBe('0');
			expect(body.data[0].context).toContain('派送失败，无法签收');
		});

		it('adds area and basic status name at resultv2 1', async () => {
			const body = await queryJson(sandbox, { com: 'yuantong', num: WAYBILL_NUMBERS.yuantongInTransit, resultv2: '1' });
			const pickup = body.data[body.data.length - 1];

			expect(Object.keys(pickup).sort()).toEqual(['areaCode', 'areaName', 'context', 'ftime', 'status', 'time']);
			expect(pickup.status).toBe('揽收');
			expect(pickup.areaCode).toMatch(/^CN\d{12}$/);
			expect(body).not.toHaveProperty('routeInfo');
		});

		it('adds advanced codes and route at resultv2 4', async () => {
			const body = await queryJson(sandbox, { com: 'yuantong', num: WAYBILL_NUMBERS.yuantongInTransit, resultv2: '4' });
			const trunk = body.data.find((item: Json) => item.statusCode === '1002');

			expect(trunk).toMatchObject({ status: '干线', statusCode: '1002' });
			expect(Object.keys(trunk).sort()).toEqual(
				['areaCenter', 'areaCode', 'areaName', 'areaPinYin', 'context', 'ftime', 'location', 'status', 'statusCode', 'time'],
			);
			expect(trunk.areaCenter).toMatch(/^\d+\.\d+,\d+\.\d+$/);
			expect(body.routeInfo.from).toEqual({ number: expect.stringMatching(/^CN\d{12}$/), name: expect.any(String) });
			expect(body.routeInfo.cur).toEqual({ number: expect.stringMatching(/^CN\d{12}$/), name: expect.any(String) });
			expect(body.isLoop).toBe(false);
		});

		it('sends the signed-for event with code 304 at resultv2 4', async () => {
			const body = await queryJson(sandbox, { com: 'yuantong', num: WAYBILL_NUMBERS.yuantongDelivered, resultv2: '4' });

			expect(body.data[0]).toMatchObject({ time: '2026-05-01 23:30:00', ftime: '2026-05-01 23:30:00', statusCode: '304', status: '投柜或站签收' });
		});

		it('sends advanced code 201 for the problem parcel', async () => {
			const body = await queryJson(sandbox, { com: 'yuantong', num: WAYBILL_NUMBERS.yuantongProblem, resultv2: '4' });

			expect(body.state).toBe('2');
			expect(body.data[0].statusCode).toBe('201');
		});

		it('adds the arrival estimate at resultv2 8', async () => {
			const body = await queryJson(sandbox, { com: 'yuantong', num: WAYBILL_NUMBERS.yuantongInTransit, resultv2: '8', to: '北京市朝阳区' });

			expect(body.arrivalTime).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
			expect(typeof body.totalTime).toBe('string');
			expect(typeof body.remainTime).toBe('string');
			expect(body.predictedRoute.length).toBeGreaterThan(0);
			expect(Object.keys(body.predictedRoute[0]).sort()).toEqual(['arriveTime', 'city', 'district', 'leaveTime', 'name', 'province', 'state', 'type']);
			expect(body.data[0]).toHaveProperty('statusCode');
		});

		it('sends every scalar as a string except isLoop', async () => {
			const body = await queryJson(sandbox, { com: 'yuantong', num: WAYBILL_NUMBERS.yuantongInTransit, resultv2: '8', to: '北京市朝阳区' });

			for (const [path, value] of scalarLeaves(body)) {
				if (path === '$.isLoop') expect(typeof value).toBe('boolean');
				else if (value !== null) expect([path, typeof value]).toEqual([path, 'string']);
			}
		});

		it('orders events oldest first with order asc', async () => {
			const desc = await queryJson(sandbox, { com: 'yuantong', num: WAYBILL_NUMBERS.yuantongInTransit });
			const asc = await queryJson(sandbox, { com: 'yuantong', num: WAYBILL_NUMBERS.yuantongInTransit, order: 'asc' });

			expect(asc.data).toEqual([...desc.data].reverse());
			expect(asc.data[0].time < asc.data[asc.data.length - 1].time).toBe(true);
		});

		it('sends English texts with lang en', async () => {
			const body = await queryJson(sandbox, { com: 'yuantong', num: WAYBILL_NUMBERS.yuantongInTransit, lang: 'en' });
			expect(body.data[0].context).toMatch(/^\[Beijing .*\] Delivery failed/);
		});

		it('sends courier info when requested', async () => {
			const body = await queryJson(sandbox, { com: 'yuantong', num: WAYBILL_NUMBERS.yuantongInTransit, needCourierInfo: true });
			expect(Object.keys(body.courierInfo).sort()).toEqual(['deliveryManName', 'deliveryManPhone', 'pickupManName', 'pickupManPhone']);
		});

		it('sends an empty data array for a waybill without scans', async () => {
			const body = await queryJson(sandbox, { com: 'yuantong', num: WAYBILL_NUMBERS.yuantongNoScans });
			expect(body.message).toBe('ok');
			expect(body.data).toEqual([]);
		});

		it.each(CATALOGUE.map((waybill) => [waybill.number, waybill.carrier, waybill.state]))(
			'answers catalogue waybill %s of %s with state %s',
			async (num, com, state) => {
				const body = await queryJson(sandbox, { com, num, phone: com === 'shunfeng' ? SHUNFENG_PHONE : ZHONGTONG_PHONE });
				expect(body.state).toBe(state);
				expect(body.nu).toBe(num);
			},
		);
	});

	describe('synthetic numbers', () => {
		it('generates 20 events for SIM020000001 under any carrier', async () => {
			const yunda = await queryJson(sandbox, { com: 'yunda', num: 'SIM020000001' });
			const zhongtong = await queryJson(sandbox, { com: 'zhongtong', num: 'SIM020000001', phone: '0000' });

			expect(yunda.data).toHaveLength(20);
			expect(yunda.com).toBe('yunda');
			expect(zhongtong.data).toEqual(yunda.data);
			expect(zhongtong.com).toBe('zhongtong');
		});

		it('generates the same events on every query', async () => {
			const first = await queryJson(sandbox, { com: 'yuantong', num: 'SIM007123456', resultv2: '4' });
			const second = await queryJson(sandbox, { com: 'yuantong', num: 'SIM007123456', resultv2: '4' });

			expect(first.data).toHaveLength(7);
			expect(second).toEqual(first);
		});

		it('orders synthetic events newest first', async () => {
			const body = await queryJson(sandbox, { com: 'yuantong', num: 'SIM030000042' });
			const times: string[] = body.data.map((item: Json) => item.time);

			expect(times).toEqual([...times].sort().reverse());
			expect(new Set(times).size).toBe(times.length);
		});
	});
});

describe('sandbox query lock', () => {
	let sandbox: Sandbox;
	let clock = Date.parse('2026-05-01T00:00:00Z');
	beforeAll(async () => {
		sandbox = await startSandbox({ lockAfter: 3, now: () => clock });
	});
	afterAll(async () => {
		await sandbox.close();
	});

	it('locks a number after lockAfter queries in 24 hours', async () => {
		const param = { com: 'yuantong', num: WAYBILL_NUMBERS.yuantongDelivered };
		for (let i = 0; i < 3; i++) expect((await queryJson(sandbox, param)).message).toBe('ok');

		const locked = await queryJson(sandbox, param);
		expect(locked.result).toBe(false);
		expect(locked.returnCode).toBe('500');
		expect(locked.message).toContain('锁定');

		const other = await queryJson(sandbox, { com: 'yuantong', num: WAYBILL_NUMBERS.yuantongInTransit });
		expect(other.message).toBe('ok');

		clock += 24 * 3_600_000;
		expect((await queryJson(sandbox, param)).message).toBe('ok');
	});
});

describe('sandbox carrier detection', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox();
	});
	afterAll(async () => {
		await sandbox.close();
	});

	it('answers the documented array with key and num in the query string', async () => {
		const body = await detect(sandbox, FAKE_ACCOUNT.key, WAYBILL_NUMBERS.yuantongInTransit, 'queryString');
		expect(body).toEqual([{ lengthPre: 15, comCode: 'yuantong', name: '圆通速递' }]);
	});

	it('answers the same with key and num as form fields', async () => {
		const body = await detect(sandbox, FAKE_ACCOUNT.key, WAYBILL_NUMBERS.yuantongInTransit, 'form');
		expect(body).toEqual([{ lengthPre: 15, comCode: 'yuantong', name: '圆通速递' }]);
	});

	it('lists several candidates for a pure-digit number', async () => {
		const body = await detect(sandbox, FAKE_ACCOUNT.key, WAYBILL_NUMBERS.yundaRejected, 'form');

		expect(body.length).toBeGreaterThan(1);
		expect(body[0].comCode).toBe('yunda');
		for (const candidate of body) expect(candidate.lengthPre).toBe(13);
	});

	it('answers an empty array for an unrecognised number', async () => {
		expect(await detect(sandbox, FAKE_ACCOUNT.key, 'QQ12345678XYZ', 'form')).toEqual([]);
	});

	it('answers the documented 701 object without a key', async () => {
		const answer = await postForm(`${sandbox.url}/autonumber/auto?num=${WAYBILL_NUMBERS.yuantongInTransit}`, {});
		expect(JSON.parse(answer.body)).toEqual({ returnCode: '701', message: 'key缺失', result: false });
	});

	it.each([
		['free', FREE_ACCOUNT.key],
		['expired', EXPIRED_ACCOUNT.key],
	])('answers 601 for the %s account', async (_case, key) => {
		const body = await detect(sandbox, key, WAYBILL_NUMBERS.yuantongInTransit, 'queryString');
		expect(body).toMatchObject({ result: false, returnCode: '601' });
	});

	it.each(['12345', '单号YT12345678', ''])('answers 201 for the invalid number "%s"', async (num) => {
		const body = await detect(sandbox, FAKE_ACCOUNT.key, num, 'form');
		expect(body).toMatchObject({ result: false, returnCode: '201' });
	});

	it.each(CATALOGUE.map((waybill) => [waybill.number, waybill.carrier]))('lists %s under its carrier %s', async (num, carrier) => {
		const body = await detect(sandbox, FAKE_ACCOUNT.key, num, 'queryString');
		expect(body.map((candidate: Json) => candidate.comCode)).toContain(carrier);
	});

	it('has a number whose first candidate has no result', async () => {
		const candidates = await detect(sandbox, FAKE_ACCOUNT.key, WAYBILL_NUMBERS.shentongReturned, 'form');

		const first = await queryJson(sandbox, { com: candidates[0].comCode, num: WAYBILL_NUMBERS.shentongReturned });
		const second = await queryJson(sandbox, { com: candidates[1].comCode, num: WAYBILL_NUMBERS.shentongReturned });
		expect(first.returnCode).toBe('500');
		expect(second.message).toBe('ok');
		expect(second.state).toBe('4');
	});
});

/** A loopback push receiver that records every form and replies with Kuaidi100's success body. */
interface Receiver {
	url: string;
	forms: Array<Record<string, string>>;
	rawBodies: string[];
	nextPush(): Promise<Record<string, string>>;
	close(): Promise<void>;
}

const RECEIVER_REPLY = '{"result":true,"returnCode":"200","message":"成功"}';

async function startReceiver(): Promise<Receiver> {
	const forms: Array<Record<string, string>> = [];
	const rawBodies: string[] = [];
	let waiters: Array<(form: Record<string, string>) => void> = [];
	const server: Server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const raw = Buffer.concat(chunks).toString('utf8');
			const form = Object.fromEntries(new URLSearchParams(raw));
			rawBodies.push(raw);
			forms.push(form);
			res.writeHead(200, { 'content-type': 'application/json' }).end(RECEIVER_REPLY);
			const current = waiters;
			waiters = [];
			for (const resolve of current) resolve(form);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/kuaidi100/callback?orderId=42`,
		forms,
		rawBodies,
		nextPush: () => new Promise((resolve) => waiters.push(resolve)),
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

function subscriptionParam(number: string, company: string, callbackurl: string, parameters: Record<string, unknown> = {}): Record<string, unknown> {
	return { company, number, key: FAKE_ACCOUNT.key, parameters: { callbackurl, ...parameters } };
}

describe('sandbox subscription', () => {
	let sandbox: Sandbox;
	const callbackurl = 'http://127.0.0.1:9/callback';
	beforeAll(async () => {
		sandbox = await startSandbox();
	});
	afterAll(async () => {
		await sandbox.close();
	});

	it('accepts a subscription with the documented reply', async () => {
		const body = await subscribe(
			sandbox,
			subscriptionParam(WAYBILL_NUMBERS.yuantongInTransit, 'yuantong', callbackurl, { salt: FAKE_ACCOUNT.salt, resultv2: '4' }),
		);

		expect(body).toEqual({ result: true, returnCode: '200', message: '提交成功' });
		const recorded = sandbox.subscriptions.get(`yuantong:${WAYBILL_NUMBERS.yuantongInTransit}`);
		expect(recorded).toMatchObject({ callbackurl, salt: FAKE_ACCOUNT.salt, resultv2: '4', status: 'polling' });
	});

	it('answers 501 for a number still polling', async () => {
		const param = subscriptionParam(WAYBILL_NUMBERS.jdPickedUp, 'jd', callbackurl);
		expect((await subscribe(sandbox, param)).returnCode).toBe('200');
		expect(await subscribe(sandbox, param)).toMatchObject({ result: false, returnCode: '501' });
	});

	it.each([
		['600', 'an unknown key', { ...subscriptionParam(WAYBILL_NUMBERS.yuantongProblem, 'yuantong', callbackurl), key: 'NoSuchKey1' }],
		['601', 'the expired key', { ...subscriptionParam(WAYBILL_NUMBERS.yuantongProblem, 'yuantong', callbackurl), key: EXPIRED_ACCOUNT.key }],
		['700', 'a missing callback URL', { company: 'yuantong', number: WAYBILL_NUMBERS.yuantongProblem, key: FAKE_ACCOUNT.key, parameters: {} }],
		['700', 'a 5-character number', subscriptionParam('12345', 'yuantong', callbackurl)],
		['700', 'an unknown carrier', subscriptionParam(WAYBILL_NUMBERS.yuantongProblem, 'yto', callbackurl)],
		['700', 'resultv2 8 without to', subscriptionParam(WAYBILL_NUMBERS.yuantongProblem, 'yuantong', callbackurl, { resultv2: '8' })],
		['701', 'a refused carrier', subscriptionParam('ZJS000000001', SUBSCRIPTION_REFUSED_CARRIER, callbackurl)],
		['702', 'an undetectable number with autoCom', subscriptionParam('QQ12345678XYZ', '', callbackurl, { autoCom: '1' })],
		['500', 'the server-error number', subscriptionParam(ERROR_TRIGGER_NUMBERS.code500, 'yuantong', callbackurl)],
	])('answers %s for %s', async (returnCode, _case, param) => {
		const body = await subscribe(sandbox, param);
		expect(body.result).toBe(false);
		expect(body.returnCode).toBe(returnCode);
	});

	it('detects the carrier with autoCom', async () => {
		const body = await subscribe(sandbox, subscriptionParam(WAYBILL_NUMBERS.jtexpressReturning, '', callbackurl, { autoCom: '1' }));

		expect(body.returnCode).toBe('200');
		expect(sandbox.subscriptions.has(`jtexpress:${WAYBILL_NUMBERS.jtexpressReturning}`)).toBe(true);
	});

	it('answers 700 for param that is not JSON', async () => {
		const answer = await postForm(`${sandbox.url}/poll`, { schema: 'json', param: '{"company":' });
		expect(JSON.parse(answer.body).returnCode).toBe('700');
	});
});

describe('sandbox push', () => {
	let sandbox: Sandbox;
	let receiver: Receiver;
	beforeAll(async () => {
		sandbox = await startSandbox();
		receiver = await startReceiver();
	});
	afterAll(async () => {
		await sandbox.close();
		await receiver.close();
	});

	it('signs a push with MD5(param + salt)', async () => {
		await subscribe(
			sandbox,
			subscriptionParam(WAYBILL_NUMBERS.yuantongInTransit, 'yuantong', receiver.url, { salt: FAKE_ACCOUNT.salt, resultv2: '4' }),
		);
		const result = await sandbox.push(WAYBILL_NUMBERS.yuantongInTransit);
		const form = receiver.forms[receiver.forms.length - 1];

		expect(result).toMatchObject({ statusCode: 200, body: RECEIVER_REPLY });
		expect(form.sign).toBe(md5(form.param + FAKE_ACCOUNT.salt));
		const param = JSON.parse(form.param);
		expect(param).toMatchObject({ status: 'polling', autoCheck: '0', comOld: '', comNew: '' });
		expect(param.lastResult).toMatchObject({ message: 'ok', state: '0', status: '200', ischeck: '0', com: 'yuantong', nu: WAYBILL_NUMBERS.yuantongInTransit });
		expect(param.lastResult.data[0]).toHaveProperty('statusCode');
		expect(param.lastResult).toHaveProperty('routeInfo');
	});

	it('verifies against the raw value with Chinese, & and +', async () => {
		await subscribe(sandbox, subscriptionParam(WAYBILL_NUMBERS.jdPickedUp, 'jd', receiver.url, { salt: FAKE_ACCOUNT.salt }));
		const events = [{ time: '2026-05-04 10:00:00', context: '快件已签收，签收人：本人 A&B+1', statusCode: '301' }];
		await sandbox.push(WAYBILL_NUMBERS.jdPickedUp, { events });
		const form = receiver.forms[receiver.forms.length - 1];

		expect(receiver.rawBodies[receiver.rawBodies.length - 1]).not.toContain('A&B+1');
		expect(JSON.parse(form.param).lastResult.data[0].context).toBe('快件已签收，签收人：本人 A&B+1');
		expect(form.sign).toBe(md5(form.param + FAKE_ACCOUNT.salt));
	});

	it('ends monitoring with shutdown for a signed waybill', async () => {
		await subscribe(sandbox, subscriptionParam(WAYBILL_NUMBERS.yuantongDelivered, 'yuantong', receiver.url, { salt: FAKE_ACCOUNT.salt }));
		await sandbox.push(WAYBILL_NUMBERS.yuantongDelivered);
		const param = JSON.parse(receiver.forms[receiver.forms.length - 1].param);

		expect(param.status).toBe('shutdown');
		expect(param.lastResult).toMatchObject({ state: '3', ischeck: '1' });
		expect(sandbox.subscriptions.get(`yuantong:${WAYBILL_NUMBERS.yuantongDelivered}`)?.status).toBe('shutdown');
	});

	it('sends abort with its message and no events', async () => {
		await subscribe(sandbox, subscriptionParam(WAYBILL_NUMBERS.yuantongNoScans, 'yuantong', receiver.url, { salt: FAKE_ACCOUNT.salt }));
		await sandbox.push(WAYBILL_NUMBERS.yuantongNoScans, { status: 'abort' });
		const param = JSON.parse(receiver.forms[receiver.forms.length - 1].param);

		expect(param.status).toBe('abort');
		expect(param.message).toBe('3天查询无记录');
		expect(param.lastResult.data).toEqual([]);
	});

	it('sends a tampered sign on request', async () => {
		await sandbox.push(WAYBILL_NUMBERS.yuantongInTransit, { tamperSign: true });
		const form = receiver.forms[receiver.forms.length - 1];

		expect(form.sign).toMatch(/^[0-9A-F]{32}$/);
		expect(form.sign).not.toBe(md5(form.param + FAKE_ACCOUNT.salt));
	});

	it('signs with an empty-string salt', async () => {
		await subscribe(sandbox, subscriptionParam(WAYBILL_NUMBERS.yundaRejected, 'yunda', receiver.url, { salt: '' }));
		await sandbox.push(WAYBILL_NUMBERS.yundaRejected);
		const form = receiver.forms[receiver.forms.length - 1];

		expect(form.sign).toBe(md5(form.param));
	});

	it('sends no sign without a salt', async () => {
		await subscribe(sandbox, subscriptionParam(WAYBILL_NUMBERS.emsCustoms, 'ems', receiver.url));
		await sandbox.push(WAYBILL_NUMBERS.emsCustoms);
		const form = receiver.forms[receiver.forms.length - 1];

		expect(JSON.parse(form.param).lastResult.state).toBe('11');
		expect(form).not.toHaveProperty('sign');
	});

	it('allows a new subscription after abort, at most 4 a month', async () => {
		const param = subscriptionParam(WAYBILL_NUMBERS.youzhengTransferred, 'youzhengguonei', receiver.url);
		for (let i = 0; i < 4; i++) {
			expect((await subscribe(sandbox, param)).returnCode).toBe('200');
			await sandbox.push(WAYBILL_NUMBERS.youzhengTransferred, { status: 'abort' });
		}

		expect((await subscribe(sandbox, param)).returnCode).toBe('501');
	});

	it('refuses to push to a host that is not loopback', async () => {
		await subscribe(sandbox, subscriptionParam(WAYBILL_NUMBERS.zhongtongInTransit, 'zhongtong', 'http://n8n.example.com/webhook/kuaidi100'));
		await expect(sandbox.push(WAYBILL_NUMBERS.zhongtongInTransit)).rejects.toThrow('not a loopback address');
	});

	it('rejects a push for a number without subscription', async () => {
		await expect(sandbox.push('YT7199999999999')).rejects.toThrow('no subscription');
	});

	it('pushes automatically after subscribing when asked', async () => {
		const autoSandbox = await startSandbox({ autoPushAfterSubscribe: 0 });
		try {
			const pushed = receiver.nextPush();
			await subscribe(autoSandbox, subscriptionParam(WAYBILL_NUMBERS.shunfengOutForDelivery, 'shunfeng', receiver.url, { salt: 'x', phone: SHUNFENG_PHONE }));
			const form = await pushed;

			expect(JSON.parse(form.param).lastResult.nu).toBe(WAYBILL_NUMBERS.shunfengOutForDelivery);
			expect(form.sign).toBe(md5(form.param + 'x'));
		} finally {
			await autoSandbox.close();
		}
	});
});

describe('sandbox faults', () => {
	const param = { com: 'yuantong', num: WAYBILL_NUMBERS.yuantongInTransit };

	async function withSandbox(options: SandboxOptions, run: (sandbox: Sandbox) => Promise<void>): Promise<void> {
		const sandbox = await startSandbox(options);
		try {
			await run(sandbox);
		} finally {
			await sandbox.close();
		}
	}

	it('answers busy as returnCode 502 on query and detection', async () => {
		await withSandbox({ faults: { busyRate: 1 } }, async (sandbox) => {
			expect(await queryJson(sandbox, param)).toEqual({ result: false, returnCode: '502', message: '服务器繁忙' });
			expect(await detect(sandbox, FAKE_ACCOUNT.key, WAYBILL_NUMBERS.yuantongInTransit, 'form')).toMatchObject({ returnCode: '502' });
			expect(await subscribe(sandbox, subscriptionParam(WAYBILL_NUMBERS.jdPickedUp, 'jd', 'http://127.0.0.1:9/cb'))).toMatchObject({ returnCode: '500' });
		});
	});

	it('answers an HTML page with an HTTP 5xx status', async () => {
		await withSandbox({ faults: { http5xxRate: 1, seed: 7 } }, async (sandbox) => {
			const answer = await query(sandbox, JSON.stringify(param));
			expect([500, 502, 503, 504]).toContain(answer.statusCode);
			expect(answer.body).toContain('<html>');
		});
	});

	it('answers HTTP 200 bodies that are not JSON', async () => {
		await withSandbox({ faults: { malformedRate: 1, seed: 3 } }, async (sandbox) => {
			for (let i = 0; i < 6; i++) {
				const answer = await query(sandbox, JSON.stringify(param));
				expect(answer.statusCode).toBe(200);
				expect(() => JSON.parse(answer.body)).toThrow(SyntaxError);
			}
		});
	});

	it('resets the connection', async () => {
		await withSandbox({ faults: { resetRate: 1 } }, async (sandbox) => {
			await expect(query(sandbox, JSON.stringify(param))).rejects.toThrow();
			expect(sandbox.requests[0].fault).toBe('reset');
		});
	});

	it('never answers a timed-out request', async () => {
		await withSandbox({ faults: { timeoutRate: 1 } }, async (sandbox) => {
			const agent = new Agent({ headersTimeout: 200 });
			try {
				await expect(postForm(`${sandbox.url}/poll/query.do`, { customer: 'x', sign: 'y', param: '{}' }, agent)).rejects.toThrow(/timeout/i);
			} finally {
				await agent.close();
			}
		});
	});

	it('repeats the same faults for the same seed', async () => {
		const outcomes: string[][] = [];
		for (let run = 0; run < 2; run++) {
			await withSandbox({ faults: { busyRate: 0.5, seed: 42 } }, async (sandbox) => {
				const codes: string[] = [];
				for (let i = 0; i < 20; i++) codes.push((await queryJson(sandbox, param)).returnCode ?? 'ok');
				outcomes.push(codes);
			});
		}

		expect(outcomes[1]).toEqual(outcomes[0]);
		expect(new Set(outcomes[0])).toEqual(new Set(['ok', '502']));
	});

	it('rejects a fault rate above 1', async () => {
		await withSandbox({}, async (sandbox) => {
			expect(() => sandbox.setFaults({ busyRate: 1.5 })).toThrow(RangeError);
		});
	});
});

describe('sandbox bookkeeping', () => {
	it('records each request with form, param and result', async () => {
		const sandbox = await startSandbox();
		try {
			const param = JSON.stringify({ com: 'yuantong', num: WAYBILL_NUMBERS.yuantongInTransit });
			await query(sandbox, param);
			await detect(sandbox, FAKE_ACCOUNT.key, WAYBILL_NUMBERS.yuantongInTransit, 'queryString');

			const [queryRecord, detectRecord] = sandbox.requests;
			expect(queryRecord).toMatchObject({ method: 'POST', path: '/poll/query.do', signValid: true, returnCode: null, statusCode: 200, fault: null });
			expect(queryRecord.form.param).toBe(param);
			expect(queryRecord.param).toEqual(JSON.parse(param));
			expect(queryRecord.rawBody).toBe(new URLSearchParams({ customer: FAKE_ACCOUNT.customer, sign: md5(param + FAKE_ACCOUNT.key + FAKE_ACCOUNT.customer), param }).toString());
			expect(detectRecord).toMatchObject({ path: '/autonumber/auto', query: { key: FAKE_ACCOUNT.key }, signValid: null });

			sandbox.clearRequests();
			expect(sandbox.requests).toHaveLength(0);
		} finally {
			await sandbox.close();
		}
	});

	it('closes while a client keeps its connection alive', async () => {
		const sandbox = await startSandbox();
		const agent = new Agent({ keepAliveTimeout: 60_000 });
		try {
			await postForm(`${sandbox.url}/autonumber/auto`, { key: FAKE_ACCOUNT.key, num: WAYBILL_NUMBERS.jdPickedUp }, agent);
			await sandbox.close();
			await expect(postForm(`${sandbox.url}/autonumber/auto`, { key: FAKE_ACCOUNT.key, num: WAYBILL_NUMBERS.jdPickedUp }, agent)).rejects.toThrow();
		} finally {
			await agent.close();
		}
	});
});
