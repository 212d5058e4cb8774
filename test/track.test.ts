// The n8n instance runs in UTC here, so Beijing times must not depend on the process zone.
// Set before the imports, which compile to requires in this order.
process.env.TZ = 'UTC';

import { createHash } from 'node:crypto';

import type { IDataObject, INode, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { loadNodeTypes, runNode, runWorkflow } from './harness';
import { FAKE_ACCOUNT, SHUNFENG_PHONE, WAYBILL_NUMBERS, simNumber, startSandbox, type Sandbox } from './sandbox';

let sandbox: Sandbox;

beforeAll(async () => {
	// Many tests query the same catalogue numbers; the 48-query lock is not under test here.
	sandbox = await startSandbox({ lockAfter: 10_000 });
});
afterAll(async () => {
	await sandbox.close();
});
beforeEach(() => {
	sandbox.setFaults({});
	sandbox.clearRequests();
});

interface TrackInput {
	carrier?: string;
	trackingNumber?: string;
	phone?: string;
	output?: 'events' | 'shipment';
	options?: INodeParameters;
}

function trackParameters(input: TrackInput = {}): INodeParameters {
	return {
		resource: 'tracking',
		operation: 'track',
		carrier: { __rl: true, mode: 'code', value: input.carrier ?? 'yuantong' },
		trackingNumber: input.trackingNumber ?? WAYBILL_NUMBERS.yuantongInTransit,
		phone: input.phone ?? '',
		output: input.output ?? 'events',
		options: input.options ?? {},
	};
}

function credentials() {
	return { kuaidi100Api: { ...FAKE_ACCOUNT, baseUrl: sandbox.url } };
}

async function track(input: TrackInput = {}, items?: IDataObject[]) {
	return await runNode({ type: 'kuaidi100', parameters: trackParameters(input), credentials: credentials(), input: items });
}

/** Runs Track and returns the JSON of its main output, failing on a node error. */
async function trackJson(input: TrackInput = {}): Promise<IDataObject[]> {
	const { outputs, error } = await track(input);
	expect(error).toBeUndefined();
	return outputs[0].map((item) => item.json);
}

function sentParam(index = 0): IDataObject {
	return JSON.parse(sandbox.requests[index].form.param) as IDataObject;
}

function md5UpperHex(text: string): string {
	return createHash('md5').update(text, 'utf8').digest('hex').toUpperCase();
}

/** Keys of an event item: the design's schema plus the detection candidates and the no-information message. */
const EVENT_ITEM_KEYS = [
	'trackingNumber',
	'carrierCode',
	'carrierName',
	'carrierNameEn',
	'carrierCandidates',
	'state',
	'status',
	'isSigned',
	'eventCount',
	'eventIndex',
	'isLatest',
	'time',
	'timeRaw',
	'ftime',
	'context',
	'eventStatusCode',
	'eventStatusName',
	'eventStatus',
	'areaCode',
	'areaName',
	'areaCenter',
	'areaPinYin',
	'location',
	'message',
].sort();

describe('Track signing on the wire', () => {
	const from = '广东省深圳市南山区A&B+1号';
	const to = '北京市朝阳区';

	test('sign covers the sent param', async () => {
		await trackJson({ phone: '1234', options: { from, to, resultDetail: '4', order: 'asc', lang: 'en' } });

		expect(sandbox.requests).toHaveLength(1);
		const request = sandbox.requests[0];
		expect(request.method).toBe('POST');
		expect(request.path).toBe('/poll/query.do');
		expect(request.headers['content-type']).toContain('application/x-www-form-urlencoded');

		const decoded = new URLSearchParams(request.rawBody);
		const param = decoded.get('param') ?? '';
		expect(param).toBe(request.form.param);
		expect(decoded.get('customer')).toBe(FAKE_ACCOUNT.customer);

		const sign = decoded.get('sign') ?? '';
		expect(sign).toMatch(/^[0-9A-F]{32}$/);
		expect(sign).toBe(md5UpperHex(param + FAKE_ACCOUNT.key + FAKE_ACCOUNT.customer));
		expect(request.signValid).toBe(true);
	});

	test('param maps every set field', async () => {
		await trackJson({ phone: '1234', options: { from, to, resultDetail: '4', order: 'asc', lang: 'en' } });

		expect(sentParam()).toEqual({
			com: 'yuantong',
			num: 'YT7100000000001',
			phone: '1234',
			from,
			to,
			resultv2: '4',
			order: 'asc',
			lang: 'en',
		});
	});

	test('form encodes & and +', async () => {
		await trackJson({ options: { from, to } });

		// Unencoded, `&` would split the field and `+` would decode as a space.
		expect(sandbox.requests[0].rawBody).toContain('A%26B%2B1');
		expect(sentParam().from).toBe(from);
		expect(sandbox.requests[0].signValid).toBe(true);
	});

	test('param omits unset fields', async () => {
		await trackJson();

		const param = sentParam();
		expect(param.com).toBe('yuantong');
		expect(param.num).toBe('YT7100000000001');
		expect(param).not.toHaveProperty('phone');
		expect(param).not.toHaveProperty('from');
		expect(param).not.toHaveProperty('to');
		expect(param).not.toHaveProperty('resultv2');
	});
});

describe('Track events output', () => {
	test('advanced detail fills every field', async () => {
		const items = await trackJson({ options: { resultDetail: '4' } });

		expect(items).toHaveLength(5);
		expect(items[0]).toEqual({
			trackingNumber: 'YT7100000000001',
			carrierCode: 'yuantong',
			carrierName: '圆通速递',
			carrierNameEn: 'YTO Express',
			carrierCandidates: null,
			state: '0',
			status: 'in_transit',
			isSigned: false,
			eventCount: 5,
			eventIndex: 0,
			isLatest: true,
			time: '2026-05-03T14:12:08+08:00',
			timeRaw: '2026-05-03 14:12:08',
			ftime: '2026-05-03 14:12:08',
			context: '【北京市朝阳区望京公司】派送失败，无法签收，原因：收件人电话无人接听，快件将于次日再次派送',
			eventStatusCode: '0',
			eventStatusName: '在途',
			eventStatus: 'in_transit',
			areaCode: 'CN110105000000',
			areaName: '北京,朝阳区',
			areaCenter: '116.443108,39.921470',
			areaPinYin: 'chao yang qu',
			location: '',
			message: null,
		});
	});

	test('advanced detail per event', async () => {
		const items = await trackJson({ options: { resultDetail: '4' } });

		const rows = items.map((item) => [
			item.eventIndex,
			item.time,
			item.timeRaw,
			item.eventStatusCode,
			item.eventStatusName,
			item.eventStatus,
			item.areaCode,
			item.areaName,
			item.areaPinYin,
		]);
		expect(rows).toEqual([
			[0, '2026-05-03T14:12:08+08:00', '2026-05-03 14:12:08', '0', '在途', 'in_transit', 'CN110105000000', '北京,朝阳区', 'chao yang qu'],
			[1, '2026-05-03T08:40:51+08:00', '2026-05-03 08:40:51', '5', '派件', 'out_for_delivery', 'CN110105000000', '北京,朝阳区', 'chao yang qu'],
			[2, '2026-05-02T22:15:33+08:00', '2026-05-02 22:15:33', '1001', '到达派件城市', 'in_transit', 'CN110000000000', '北京', 'bei jing shi'],
			[3, '2026-05-01T19:02:47+08:00', '2026-05-01 19:02:47', '1002', '干线', 'in_transit', 'CN330100000000', '浙江,杭州市', 'hang zhou shi'],
			[4, '2026-05-01T16:30:12+08:00', '2026-05-01 16:30:12', '103', '已揽收', 'picked_up', 'CN330106000000', '浙江,杭州市,西湖区', 'xi hu qu'],
		]);
		expect(items[4].context).toBe('【浙江省杭州市西湖区公司】已揽收，揽投员：李师傅，电话：13600002222');
	});

	test('every item has every key', async () => {
		const items = await trackJson({ options: { resultDetail: '4' } });

		for (const item of items) {
			expect(Object.keys(item).sort()).toEqual(EVENT_ITEM_KEYS);
		}
	});

	test('exactly one latest event', async () => {
		const items = await trackJson({ options: { resultDetail: '4' } });

		expect(items.map((item) => item.isLatest)).toEqual([true, false, false, false, false]);
		expect(items.map((item) => item.eventCount)).toEqual([5, 5, 5, 5, 5]);
	});

	test('area parsing detail', async () => {
		const items = await trackJson({ options: { resultDetail: '1' } });

		expect(sentParam().resultv2).toBe('1');
		expect(items[0]).toMatchObject({
			areaCode: 'CN110105000000',
			areaName: '北京,朝阳区',
			eventStatusName: '在途',
			eventStatus: 'in_transit',
			eventStatusCode: null,
			areaCenter: null,
			areaPinYin: null,
			location: null,
		});
		// At level 1 Kuaidi100 sends the basic name (揽收), not the advanced one (已揽收).
		expect(items[4].eventStatusName).toBe('揽收');
		expect(items[4].eventStatus).toBe('picked_up');
		expect(items[1].eventStatusName).toBe('派件');
		expect(items[1].eventStatus).toBe('out_for_delivery');
	});

	test('no detail leaves area fields null', async () => {
		const items = await trackJson();

		expect(items).toHaveLength(5);
		for (const item of items) {
			expect(item).toMatchObject({
				eventStatusCode: null,
				eventStatusName: null,
				eventStatus: null,
				areaCode: null,
				areaName: null,
				areaCenter: null,
				areaPinYin: null,
				location: null,
			});
		}
		expect(items[0].context).toBe('【北京市朝阳区望京公司】派送失败，无法签收，原因：收件人电话无人接听，快件将于次日再次派送');
		expect(items[0].time).toBe('2026-05-03T14:12:08+08:00');
	});

	test('English texts with lang en', async () => {
		const items = await trackJson({ options: { lang: 'en' } });

		expect(sentParam().lang).toBe('en');
		expect(items[0].context).toBe(
			'[Beijing Chaoyang Wangjing branch] Delivery failed, could not be signed for: the recipient did not answer the phone. Delivery will be retried tomorrow',
		);
		expect(items[4].context).toBe('[Hangzhou Xihu branch] Picked up, courier: Li, phone: 13600002222');
	});
});

describe('Track shipment output', () => {
	test('courier info on request', async () => {
		const [item] = await trackJson({ output: 'shipment', options: { courierInfo: true } });

		expect(sentParam().needCourierInfo).toBe(true);
		expect(item.courierInfo).toEqual({
			pickupManName: '李师傅',
			pickupManPhone: '13600002222',
			deliveryManName: '王师傅',
			deliveryManPhone: '13500001111',
		});
	});

	test('courier info off by default', async () => {
		const [item] = await trackJson({ output: 'shipment' });

		expect(sentParam()).not.toHaveProperty('needCourierInfo');
		expect(item.courierInfo).toBeNull();
	});

	test('latest status on top', async () => {
		const [item, ...rest] = await trackJson({ output: 'shipment', options: { resultDetail: '4' } });

		expect(rest).toHaveLength(0);
		expect(item).toMatchObject({
			trackingNumber: 'YT7100000000001',
			carrierCode: 'yuantong',
			carrierName: '圆通速递',
			carrierNameEn: 'YTO Express',
			state: '0',
			status: 'in_transit',
			isSigned: false,
			eventCount: 5,
			latestTime: '2026-05-03T14:12:08+08:00',
			latestContext: '【北京市朝阳区望京公司】派送失败，无法签收，原因：收件人电话无人接听，快件将于次日再次派送',
			latestEventStatus: 'in_transit',
			message: null,
		});
	});

	test('events array in order', async () => {
		const [item] = await trackJson({ output: 'shipment', options: { resultDetail: '4' } });

		const events = item.events as IDataObject[];
		expect(events.map((event) => event.timeRaw)).toEqual([
			'2026-05-03 14:12:08',
			'2026-05-03 08:40:51',
			'2026-05-02 22:15:33',
			'2026-05-01 19:02:47',
			'2026-05-01 16:30:12',
		]);
		expect(events.map((event) => event.isLatest)).toEqual([true, false, false, false, false]);
		expect(events[3]).toEqual({
			eventIndex: 3,
			isLatest: false,
			time: '2026-05-01T19:02:47+08:00',
			timeRaw: '2026-05-01 19:02:47',
			ftime: '2026-05-01 19:02:47',
			context: '【杭州转运中心】已发出，下一站【北京转运中心】',
			eventStatusCode: '1002',
			eventStatusName: '干线',
			eventStatus: 'in_transit',
			areaCode: 'CN330100000000',
			areaName: '浙江,杭州市',
			areaCenter: '120.155070,30.274084',
			areaPinYin: 'hang zhou shi',
			location: '',
		});
	});

	test('route info with advanced detail', async () => {
		const [item] = await trackJson({ output: 'shipment', options: { resultDetail: '4' } });

		expect(item.routeInfo).toEqual({
			from: { number: 'CN330106000000', name: '浙江,杭州市,西湖区' },
			cur: { number: 'CN110105000000', name: '北京,朝阳区' },
			to: { number: 'CN110105000000', name: '北京,朝阳区' },
		});
		expect(item.isLoop).toBe(false);
		expect(item.arrivalTime).toBeNull();
		expect(item.predictedRoute).toBeNull();
	});

	test('isLoop true is kept', async () => {
		const [item] = await trackJson({
			carrier: 'shentong',
			trackingNumber: WAYBILL_NUMBERS.shentongReturned,
			output: 'shipment',
			options: { resultDetail: '4' },
		});

		expect(item.isLoop).toBe(true);
	});

	test('arrival estimate with To', async () => {
		const [item] = await trackJson({ output: 'shipment', options: { resultDetail: '8', to: '北京市朝阳区' } });

		expect(sentParam().resultv2).toBe('8');
		expect(sentParam().to).toBe('北京市朝阳区');
		expect(item.arrivalTime).toBe('2026-05-04T04:30:12+08:00');
		expect(item.arrivalTimeRaw).toBe('2026-05-04 04:30:12');
		expect(item.totalTime).toBe('60');
		expect(item.remainTime).toBe('14');
		const route = item.predictedRoute as IDataObject[];
		expect(route).toHaveLength(4);
		expect(route[0]).toEqual({
			arriveTime: '2026-05-01 16:30:12',
			leaveTime: '2026-05-01 16:30:12',
			province: '浙江',
			city: '杭州市',
			district: '西湖区',
			name: '西湖区网点',
			state: '已经过节点',
			type: '网点',
		});
		expect(item.routeInfo).not.toBeNull();
	});

	test('no detail leaves extras null', async () => {
		const [item] = await trackJson({ output: 'shipment' });

		expect(item.routeInfo).toBeNull();
		expect(item.isLoop).toBeNull();
		expect(item.arrivalTime).toBeNull();
		expect(item.latestEventStatus).toBeNull();
		expect(item.latestTime).toBe('2026-05-03T14:12:08+08:00');
	});
});

describe('Track statuses', () => {
	test.each([
		['yuantong', WAYBILL_NUMBERS.yuantongDelivered, '3', 'delivered', true],
		['shentong', WAYBILL_NUMBERS.shentongReturned, '4', 'returned', true],
		['yunda', WAYBILL_NUMBERS.yundaRejected, '14', 'rejected', false],
		['yuantong', WAYBILL_NUMBERS.yuantongProblem, '2', 'problem', false],
		['ems', WAYBILL_NUMBERS.emsCustoms, '11', 'customs', false],
	])('%s %s is a success', async (carrier, trackingNumber, state, status, isSigned) => {
		const { outputs, error } = await track({ carrier, trackingNumber });

		expect(error).toBeUndefined();
		expect(outputs[0].length).toBeGreaterThan(0);
		for (const { json } of outputs[0]) {
			expect(json.state).toBe(state);
			expect(json.status).toBe(status);
			expect(json.isSigned).toBe(isSigned);
		}
	});

	test('failed delivery text stays in transit', async () => {
		const items = await trackJson();

		expect(items[0].isLatest).toBe(true);
		expect(items[0].context).toContain('派送失败，无法签收');
		for (const item of items) {
			expect(item.status).toBe('in_transit');
		}
	});

	test('advanced codes map to parents', async () => {
		const items = await trackJson({ trackingNumber: WAYBILL_NUMBERS.yuantongDelivered, options: { resultDetail: '4' } });

		expect(items[0]).toMatchObject({ eventStatusCode: '304', eventStatusName: '投柜或站签收', eventStatus: 'delivered' });
		expect(items[3]).toMatchObject({ eventStatusCode: '1002', eventStatusName: '干线', eventStatus: 'in_transit' });
		expect(items[4]).toMatchObject({ eventStatusCode: '103', eventStatus: 'picked_up' });
	});
});

describe('Track input handling', () => {
	test('whitespace around number removed', async () => {
		const items = await trackJson({ trackingNumber: ' YT7100000000001\n' });

		expect(sentParam().num).toBe('YT7100000000001');
		expect(items[0].trackingNumber).toBe('YT7100000000001');
	});

	test('12-digit number is sent', async () => {
		const { error } = await track({ trackingNumber: '710000000001' });

		expect(error).toBeUndefined();
		expect(sandbox.requests).toHaveLength(1);
		expect(sentParam().num).toBe('710000000001');
	});

	test('shunfeng with last 4 digits', async () => {
		const items = await trackJson({ carrier: 'shunfeng', trackingNumber: WAYBILL_NUMBERS.shunfengOutForDelivery, phone: '1234' });

		expect(sentParam().phone).toBe('1234');
		expect(items).toHaveLength(4);
		expect(items[0].status).toBe('out_for_delivery');
		expect(items[0].carrierCode).toBe('shunfeng');
	});

	test('shunfeng with full phone', async () => {
		const items = await trackJson({ carrier: 'shunfeng', trackingNumber: WAYBILL_NUMBERS.shunfengOutForDelivery, phone: SHUNFENG_PHONE });

		expect(sentParam().phone).toBe('13800001234');
		expect(items).toHaveLength(4);
	});

	test('virtual number sends 4 digits', async () => {
		const items = await trackJson({
			carrier: 'shunfeng',
			trackingNumber: WAYBILL_NUMBERS.shunfengOutForDelivery,
			phone: '13800000000-1234',
		});

		expect(sentParam().phone).toBe('1234');
		expect(items).toHaveLength(4);
	});

	test('zhongtong with last 4 digits', async () => {
		const items = await trackJson({ carrier: 'zhongtong', trackingNumber: WAYBILL_NUMBERS.zhongtongInTransit, phone: '5678' });

		expect(sentParam().phone).toBe('5678');
		expect(items).toHaveLength(3);
		expect(items[0].carrierCode).toBe('zhongtong');
	});
});

describe('Track times', () => {
	test('process runs in UTC', () => {
		expect(new Date(2026, 4, 1, 23, 30).getTimezoneOffset()).toBe(0);
	});

	test('Beijing time keeps +08:00', async () => {
		const items = await trackJson({ trackingNumber: WAYBILL_NUMBERS.yuantongDelivered });

		expect(items[0].timeRaw).toBe('2026-05-01 23:30:00');
		expect(items[0].ftime).toBe('2026-05-01 23:30:00');
		expect(items[0].time).toBe('2026-05-01T23:30:00+08:00');
		expect(Date.parse(items[0].time as string)).toBe(Date.UTC(2026, 4, 1, 15, 30, 0));
	});
});

describe('Track event order', () => {
	test('asc lists oldest first', async () => {
		const items = await trackJson({ trackingNumber: WAYBILL_NUMBERS.yuantongDelivered, options: { order: 'asc' } });

		expect(sentParam().order).toBe('asc');
		expect(items.map((item) => item.timeRaw)).toEqual([
			'2026-04-30 18:03:27',
			'2026-04-30 21:10:05',
			'2026-05-01 06:20:41',
			'2026-05-01 16:45:10',
			'2026-05-01 23:30:00',
		]);
		expect(items.map((item) => item.eventIndex)).toEqual([0, 1, 2, 3, 4]);
	});

	test('asc marks newest as latest', async () => {
		const items = await trackJson({ trackingNumber: WAYBILL_NUMBERS.yuantongDelivered, options: { order: 'asc' } });

		expect(items.map((item) => item.isLatest)).toEqual([false, false, false, false, true]);
		for (const item of items) {
			expect(item.status).toBe('delivered');
		}
	});

	test('asc shipment latest is newest', async () => {
		const [item] = await trackJson({
			trackingNumber: WAYBILL_NUMBERS.yuantongDelivered,
			output: 'shipment',
			options: { order: 'asc', resultDetail: '4' },
		});

		expect(item.latestTime).toBe('2026-05-01T23:30:00+08:00');
		expect(item.latestEventStatus).toBe('delivered');
		expect(item.latestContext).toBe(
			'您的快件已由【张江高科丰巢柜】代收，签收人：快递柜，取件码已发送，如有疑问请联系派件员：13700003333',
		);
		expect(item.status).toBe('delivered');
		expect((item.events as IDataObject[])[0].timeRaw).toBe('2026-04-30 18:03:27');
	});
});

describe('Track pairing', () => {
	const orders = [
		{ orderId: 'ORDER-A', carrier: 'yuantong', number: simNumber(3, 1) },
		{ orderId: 'ORDER-B', carrier: 'yuantong', number: simNumber(2, 1) },
	];
	const mappedParameters: INodeParameters = {
		...trackParameters(),
		carrier: { __rl: true, mode: 'code', value: '={{ $json.carrier }}' },
		trackingNumber: '={{ $json.number }}',
	};

	test('fan-out pairs with inputs', async () => {
		const { outputs, error } = await runNode({
			type: 'kuaidi100',
			parameters: mappedParameters,
			input: orders,
			credentials: credentials(),
		});

		expect(error).toBeUndefined();
		expect(outputs[0].map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 0 },
			{ item: 0 },
			{ item: 1 },
			{ item: 1 },
		]);
		expect(outputs[0].map((item) => item.json.trackingNumber)).toEqual([
			'SIM003000001',
			'SIM003000001',
			'SIM003000001',
			'SIM002000001',
			'SIM002000001',
		]);
	});

	test('downstream resolves Orders item', async () => {
		const nodeTypes = loadNodeTypes();
		const fullType = nodeTypes.fullTypeName('kuaidi100');
		const credentialRefs = { kuaidi100Api: { id: 'kuaidi100Api-id', name: 'kuaidi100Api' } };
		const nodes: INode[] = [
			{
				id: 'orders',
				name: 'Orders',
				type: nodeTypes.fullTypeName('harnessItems'),
				typeVersion: 1,
				position: [0, 0],
				parameters: { items: JSON.stringify(orders) },
			},
			{
				id: 'track',
				name: 'Track',
				type: fullType,
				typeVersion: 1,
				position: [200, 0],
				parameters: mappedParameters,
				credentials: credentialRefs,
			},
			// A second Track node is the downstream node. For a number without scans it outputs one
			// item whose trackingNumber is the value that its expression resolved to.
			{
				id: 'next',
				name: 'Next',
				type: fullType,
				typeVersion: 1,
				position: [400, 0],
				parameters: { ...trackParameters(), trackingNumber: "={{ $('Orders').item.json.orderId }}" },
				credentials: credentialRefs,
			},
		];
		const { run } = await runWorkflow({
			nodes,
			connections: {
				Orders: { main: [[{ node: 'Track', type: 'main', index: 0 }]] },
				Track: { main: [[{ node: 'Next', type: 'main', index: 0 }]] },
			},
			startNodeName: 'Orders',
			credentials: credentials(),
		});

		expect(run.data.resultData.error).toBeUndefined();
		const nextItems: INodeExecutionData[] = run.data.resultData.runData.Next[0].data?.main[0] ?? [];
		expect(nextItems.map((item) => item.json.trackingNumber)).toEqual(['ORDER-A', 'ORDER-A', 'ORDER-A', 'ORDER-B', 'ORDER-B']);
		expect(nextItems.map((item) => item.json.status)).toEqual(Array(5).fill('no_information'));
	});
});

describe('Track concurrency', () => {
	test('output follows input order', async () => {
		sandbox.setFaults({ latencyJitterMs: 60, seed: 11 });
		const input = Array.from({ length: 30 }, (_, index) => ({ number: simNumber(1, index + 1) }));

		const { outputs, error } = await runNode({
			type: 'kuaidi100',
			parameters: { ...trackParameters({ options: { maxConcurrency: 10 } }), trackingNumber: '={{ $json.number }}' },
			input,
			credentials: credentials(),
		});

		expect(error).toBeUndefined();
		expect(sandbox.requests).toHaveLength(30);
		expect(outputs[0].map((item) => item.json.trackingNumber)).toEqual(input.map((entry) => entry.number));
		expect(outputs[0].map((item) => item.pairedItem)).toEqual(input.map((_, index) => ({ item: index })));
	});
});
