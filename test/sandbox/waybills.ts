/**
 * The sandbox's waybill catalogue: fixed waybills with realistic Chinese event texts, numbers that
 * make the real-time query fail with each documented returnCode, and synthetic `SIM` numbers for
 * load tests. Every number is fake.
 */
import { AREAS, HUB_AREA_CODES, cityOf } from './areas';
import { parentStateOf } from './statuses';

/** One scan event, times in Beijing time (UTC+8) without an offset, as Kuaidi100 sends them. */
export interface WaybillEvent {
	time: string;
	/** Advanced status code (Kuaidi100's `statusCode` at resultv2 4). */
	statusCode: string;
	/** Key into the area table, or `null` when Kuaidi100 could not parse an area from the text. */
	areaCode: string | null;
	context: string;
	/** Text for `lang=en`; events without one keep the Chinese text. */
	contextEn?: string;
}

export interface CourierInfo {
	pickupManName: string;
	pickupManPhone: string;
	deliveryManName: string;
	deliveryManPhone: string;
}

export interface Waybill {
	number: string;
	carrier: string;
	/** Phone the real-time query must match (full number or last 4 digits) for phone-guarded carriers. */
	phone: string | null;
	/** Synthetic waybills accept any non-empty phone. */
	acceptsAnyPhone?: boolean;
	/** Top-level basic `state`. */
	state: string;
	ischeck: '0' | '1';
	condition: string;
	/** Events newest first, the default `order` of Kuaidi100. */
	events: WaybillEvent[];
	fromAreaCode: string | null;
	toAreaCode: string | null;
	isLoop: boolean;
	/** Carrier detection candidates, best first, when the generic number rules should not decide. */
	detection?: readonly string[];
	courier?: CourierInfo;
	/** What a test or the demo uses the waybill for. */
	purpose: string;
}

/** Numbers of the fixed waybills, by what they show. */
export const WAYBILL_NUMBERS = {
	yuantongInTransit: 'YT7100000000001',
	yuantongDelivered: 'YT7100000000002',
	yuantongProblem: 'YT7100000000005',
	yuantongNoScans: 'YT7100000000000',
	shentongReturned: '773100000000004',
	yundaRejected: '4312000000014',
	emsCustoms: 'EM000000008JP',
	shunfengOutForDelivery: 'SF1400000000001',
	zhongtongInTransit: '78100000000001',
	jdPickedUp: 'JDX000000000001',
	jtexpressReturning: 'JT0000000000001',
	youzhengTransferred: '9800000000007',
} as const;

/**
 * Numbers that are not in the catalogue, so every carrier's real-time query returns returnCode 500
 * (no result), but whose carrier detection returns a fixed list of candidates.
 */
export const UNTRACKED_DETECTED_NUMBERS = {
	/** Detection returns yunda, shentong, yuantong, jtexpress and ems, none of which needs a phone. */
	fiveCandidates: 'NR5000000000001',
} as const;

/** Detection candidates of the numbers in `UNTRACKED_DETECTED_NUMBERS`, best first. */
export const UNTRACKED_DETECTION: ReadonlyMap<string, readonly string[]> = new Map([
	[UNTRACKED_DETECTED_NUMBERS.fiveCandidates, ['yunda', 'shentong', 'yuantong', 'jtexpress', 'ems']],
]);

export const SHUNFENG_PHONE = '13800001234';
export const ZHONGTONG_PHONE = '13900005678';

function event(time: string, statusCode: string, areaCode: string | null, context: string, contextEn?: string): WaybillEvent {
	return contextEn === undefined ? { time, statusCode, areaCode, context } : { time, statusCode, areaCode, context, contextEn };
}

export const CATALOGUE: readonly Waybill[] = [
	{
		number: WAYBILL_NUMBERS.yuantongInTransit,
		carrier: 'yuantong',
		phone: null,
		state: '0',
		ischeck: '0',
		condition: 'F00',
		fromAreaCode: 'CN330106000000',
		toAreaCode: 'CN110105000000',
		isLoop: false,
		purpose: 'in transit; the latest text reports a failed delivery while state stays 0',
		events: [
			event(
				'2026-05-03 14:12:08',
				'0',
				'CN110105000000',
				'【北京市朝阳区望京公司】派送失败，无法签收，原因：收件人电话无人接听，快件将于次日再次派送',
				'[Beijing Chaoyang Wangjing branch] Delivery failed, could not be signed for: the recipient did not answer the phone. Delivery will be retried tomorrow',
			),
			event(
				'2026-05-03 08:40:51',
				'5',
				'CN110105000000',
				'【北京市朝阳区望京公司】派件中，派件员：王师傅，电话：13500001111',
				'[Beijing Chaoyang Wangjing branch] Out for delivery, courier: Wang, phone: 13500001111',
			),
			event(
				'2026-05-02 22:15:33',
				'1001',
				'CN110000000000',
				'【北京转运中心】已发出，下一站【北京市朝阳区望京公司】',
				'[Beijing transfer centre] Departed, next stop [Beijing Chaoyang Wangjing branch]',
			),
			event(
				'2026-05-01 19:02:47',
				'1002',
				'CN330100000000',
				'【杭州转运中心】已发出，下一站【北京转运中心】',
				'[Hangzhou transfer centre] Departed, next stop [Beijing transfer centre]',
			),
			event(
				'2026-05-01 16:30:12',
				'103',
				'CN330106000000',
				'【浙江省杭州市西湖区公司】已揽收，揽投员：李师傅，电话：13600002222',
				'[Hangzhou Xihu branch] Picked up, courier: Li, phone: 13600002222',
			),
		],
		courier: { pickupManName: '李师傅', pickupManPhone: '13600002222', deliveryManName: '王师傅', deliveryManPhone: '13500001111' },
	},
	{
		number: WAYBILL_NUMBERS.yuantongDelivered,
		carrier: 'yuantong',
		phone: null,
		state: '3',
		ischeck: '1',
		condition: 'F00',
		fromAreaCode: 'CN440106000000',
		toAreaCode: 'CN310115000000',
		isLoop: false,
		purpose: 'delivered to a parcel locker at 2026-05-01 23:30:00 Beijing time',
		events: [
			event(
				'2026-05-01 23:30:00',
				'304',
				'CN310115000000',
				'您的快件已由【张江高科丰巢柜】代收，签收人：快递柜，取件码已发送，如有疑问请联系派件员：13700003333',
				'Your parcel was received by the [Zhangjiang Hi-Tech parcel locker], signed by: locker; the pickup code has been sent. Questions: courier 13700003333',
			),
			event(
				'2026-05-01 16:45:10',
				'5',
				'CN310115000000',
				'【上海市浦东新区张江公司】派件中，派件员：赵师傅，电话：13700003333',
				'[Shanghai Pudong Zhangjiang branch] Out for delivery, courier: Zhao, phone: 13700003333',
			),
			event(
				'2026-05-01 06:20:41',
				'1001',
				'CN310000000000',
				'【上海转运中心】已发出，下一站【上海市浦东新区张江公司】',
				'[Shanghai transfer centre] Departed, next stop [Shanghai Pudong Zhangjiang branch]',
			),
			event(
				'2026-04-30 21:10:05',
				'1002',
				'CN440100000000',
				'【广州转运中心】已发出，下一站【上海转运中心】',
				'[Guangzhou transfer centre] Departed, next stop [Shanghai transfer centre]',
			),
			event(
				'2026-04-30 18:03:27',
				'103',
				'CN440106000000',
				'【广东省广州市天河区公司】已揽收',
				'[Guangzhou Tianhe branch] Picked up',
			),
		],
	},
	{
		number: WAYBILL_NUMBERS.yuantongProblem,
		carrier: 'yuantong',
		phone: null,
		state: '2',
		ischeck: '0',
		condition: 'F00',
		fromAreaCode: 'CN420111000000',
		toAreaCode: 'CN320500000000',
		isLoop: false,
		purpose: 'problem parcel (advanced code 201, not signed for in time)',
		events: [
			event('2026-04-29 18:00:00', '201', 'CN320500000000', '【江苏省苏州市工业园区公司】快件派送超时未签收，已联系收件人协商派送时间'),
			event('2026-04-27 10:25:16', '5', 'CN320500000000', '【江苏省苏州市工业园区公司】派件中，派件员：周师傅，电话：13900006666'),
			event('2026-04-27 02:11:09', '1001', 'CN320500000000', '【苏州转运中心】已发出，下一站【江苏省苏州市工业园区公司】'),
			event('2026-04-26 15:45:38', '103', 'CN420111000000', '【湖北省武汉市洪山区公司】已揽收'),
		],
	},
	{
		number: WAYBILL_NUMBERS.yuantongNoScans,
		carrier: 'yuantong',
		phone: null,
		state: '0',
		ischeck: '0',
		condition: 'F00',
		fromAreaCode: null,
		toAreaCode: null,
		isLoop: false,
		purpose: 'new waybill without scans (data is an empty array)',
		events: [],
	},
	{
		number: WAYBILL_NUMBERS.shentongReturned,
		carrier: 'shentong',
		phone: null,
		state: '4',
		ischeck: '1',
		condition: 'F00',
		fromAreaCode: 'CN510107000000',
		toAreaCode: 'CN370202000000',
		isLoop: true,
		detection: ['yunda', 'shentong', 'zhongtong'],
		purpose: 'returned and signed by the sender; carrier detection lists yunda (no result) before shentong',
		events: [
			event('2026-04-20 15:22:10', '4', 'CN510107000000', '【四川省成都市武侯区公司】退件已签收，签收人：寄件人本人'),
			event('2026-04-19 09:12:00', '6', 'CN510100000000', '【成都转运中心】退回件已发出，下一站【四川省成都市武侯区公司】'),
			event('2026-04-16 10:05:33', '6', 'CN370202000000', '【山东省青岛市市南区公司】快件退回，原因：收件地址不详，收件人无法联系'),
			event('2026-04-15 17:40:00', '1001', 'CN370200000000', '【青岛转运中心】已发出，下一站【山东省青岛市市南区公司】'),
			event('2026-04-13 20:31:45', '103', 'CN510107000000', '【四川省成都市武侯区公司】已收件'),
		],
	},
	{
		number: WAYBILL_NUMBERS.yundaRejected,
		carrier: 'yunda',
		phone: null,
		state: '14',
		ischeck: '0',
		condition: 'F00',
		fromAreaCode: 'CN330782000000',
		toAreaCode: 'CN440305000000',
		isLoop: false,
		purpose: 'rejected by the recipient',
		events: [
			event('2026-04-26 11:08:19', '14', 'CN440305000000', '【广东深圳南山区公司】收件人拒收，原因：商品与描述不符，快件将退回寄件人'),
			event('2026-04-26 09:30:02', '5', 'CN440305000000', '【广东深圳南山区公司】派件员：孙师傅 13800005555 正在为您派件'),
			event('2026-04-25 23:55:47', '1001', 'CN440300000000', '【深圳转运中心】已发出，下一站【广东深圳南山区公司】'),
			event('2026-04-24 18:14:30', '103', 'CN330782000000', '【浙江金华义乌市公司】已揽收'),
		],
	},
	{
		number: WAYBILL_NUMBERS.emsCustoms,
		carrier: 'ems',
		phone: null,
		state: '11',
		ischeck: '0',
		condition: 'F00',
		fromAreaCode: null,
		toAreaCode: 'CN310115000000',
		isLoop: false,
		purpose: 'import parcel in customs clearance (state 11); the foreign events have no area',
		events: [
			event('2026-04-22 13:40:00', '11', 'CN310115000000', '【上海浦东国际邮件互换局】进口邮件海关查验中'),
			event('2026-04-21 09:12:55', '10', 'CN310115000000', '【上海浦东国际邮件互换局】邮件到达，待进口清关'),
			event('2026-04-19 16:20:31', '1002', null, '【日本 东京国际邮件互换局】邮件已离开原寄国，运往中国'),
			event('2026-04-18 11:05:00', '103', null, '【日本 东京】邮件已收寄'),
		],
	},
	{
		number: WAYBILL_NUMBERS.shunfengOutForDelivery,
		carrier: 'shunfeng',
		phone: SHUNFENG_PHONE,
		state: '5',
		ischeck: '0',
		condition: 'F00',
		fromAreaCode: 'CN440106000000',
		toAreaCode: 'CN440305000000',
		isLoop: false,
		purpose: 'SF Express out for delivery; the query needs the phone or its last 4 digits',
		events: [
			event('2026-05-02 09:05:12', '5', 'CN440305000000', '[深圳市]【深圳南山科技园营业点】快递员 陈师傅（联系电话：13800007777）正在派送途中，请您准备签收'),
			event('2026-05-02 06:30:44', '1001', 'CN440305000000', '[深圳市]快件到达【深圳南山科技园营业点】'),
			event('2026-05-01 23:48:19', '1002', 'CN440300000000', '[深圳市]快件到达【深圳华南集散中心】'),
			event('2026-05-01 20:02:31', '103', 'CN440106000000', '[广州市]【广州天河营业点】顺丰速运 已收取快件'),
		],
		courier: { pickupManName: '', pickupManPhone: '', deliveryManName: '陈师傅', deliveryManPhone: '13800007777' },
	},
	{
		number: WAYBILL_NUMBERS.zhongtongInTransit,
		carrier: 'zhongtong',
		phone: ZHONGTONG_PHONE,
		state: '0',
		ischeck: '0',
		condition: 'F00',
		fromAreaCode: 'CN420111000000',
		toAreaCode: 'CN510107000000',
		isLoop: false,
		purpose: 'ZTO in transit; the query needs the phone or its last 4 digits',
		events: [
			event('2026-05-02 03:14:27', '1002', 'CN420100000000', '【武汉转运中心】已发出，下一站【成都转运中心】'),
			event('2026-05-01 22:40:15', '1002', 'CN420100000000', '【武汉转运中心】已收入'),
			event('2026-05-01 17:55:02', '103', 'CN420111000000', '【湖北武汉洪山区】（027-00000000）的 吴师傅（13900008888）已揽收'),
		],
	},
	{
		number: WAYBILL_NUMBERS.jdPickedUp,
		carrier: 'jd',
		phone: null,
		state: '1',
		ischeck: '0',
		condition: 'F00',
		fromAreaCode: 'CN110115000000',
		toAreaCode: 'CN330106000000',
		isLoop: false,
		purpose: 'JD Logistics, picked up',
		events: [
			event('2026-05-03 10:20:00', '103', 'CN110115000000', '您的快件已由京东快递员揽收，揽收员：郑师傅，电话：13600009999'),
			event('2026-05-03 08:00:00', '101', 'CN110115000000', '您的订单已下单，等待京东快递员上门揽收'),
		],
	},
	{
		number: WAYBILL_NUMBERS.jtexpressReturning,
		carrier: 'jtexpress',
		phone: null,
		state: '6',
		ischeck: '0',
		condition: 'F00',
		fromAreaCode: 'CN440100000000',
		toAreaCode: 'CN370202000000',
		isLoop: false,
		purpose: 'J&T Express on its way back to the sender',
		events: [
			event('2026-04-28 12:00:00', '6', 'CN370200000000', '【青岛市】快件已发往【青岛转运中心】，退回原因：收件人联系不上'),
			event('2026-04-27 15:30:00', '206', 'CN370202000000', '【青岛市】快件派送不成功，收件人电话无法接通，快件将退回寄件人'),
			event('2026-04-26 19:20:00', '1002', 'CN440100000000', '【广州转运中心】已发出，下一站【青岛转运中心】'),
			event('2026-04-25 14:10:00', '103', 'CN440100000000', '【广州市】快件已被【广州白云网点】揽收'),
		],
	},
	{
		number: WAYBILL_NUMBERS.youzhengTransferred,
		carrier: 'youzhengguonei',
		phone: null,
		state: '7',
		ischeck: '0',
		condition: 'F00',
		fromAreaCode: 'CN310115000000',
		toAreaCode: 'CN110000000000',
		isLoop: false,
		purpose: 'China Post parcel handed to another carrier (state 7)',
		events: [
			event('2026-04-24 16:00:00', '7', 'CN110000000000', '【北京邮区中心局】邮件已转交【中国邮政速递物流】继续投递'),
			event('2026-04-23 10:00:00', '1002', 'CN310000000000', '【上海邮区中心局】已发出'),
			event('2026-04-22 09:00:00', '103', 'CN310115000000', '【上海市浦东新区邮政营业部】已收寄'),
		],
	},
];

const CATALOGUE_BY_NUMBER: ReadonlyMap<string, Waybill> = new Map(CATALOGUE.map((waybill) => [waybill.number, waybill]));

export function findCatalogueWaybill(number: string): Waybill | undefined {
	return CATALOGUE_BY_NUMBER.get(number);
}

/** How the real-time query fails for an error-trigger number. */
export type ErrorTrigger =
	| { kind: 'returnCode'; returnCode: string; message: string }
	| { kind: 'htmlPage'; httpStatus: number }
	| { kind: 'malformedJson'; httpStatus: number }
	| { kind: 'locked' };

/**
 * Numbers that make the real-time query fail with any valid carrier code (they are checked before the
 * phone rule). Messages of 400, 500-503 and 601 are Kuaidi100's documented texts; 408 is the text that
 * integrators report.
 */
export const ERROR_TRIGGER_NUMBERS = {
	code400: 'ERR400000001',
	code408: 'ERR408000001',
	code500: 'ERR500000001',
	code501: 'ERR501000001',
	code502: 'ERR502000001',
	code503: 'ERR503000001',
	code601: 'ERR601000001',
	unknownCode999: 'ERR999000001',
	htmlPage502: 'ERRHTML00001',
	malformedJson200: 'ERRJSON00001',
	locked: 'ERRLOCK00001',
} as const;

export const ERROR_MESSAGES = {
	'400': '找不到对应公司',
	'408': '快递公司参数异常：验证码错误',
	'500': '查询无结果，请隔段时间再查',
	'501': '服务器错误',
	'502': '服务器繁忙',
	'503': '验证签名失败',
	'601': 'key已过期',
} as const;

// NOTE: Kuaidi100 does not document what a locked number (more than 48 queries in 24 hours) returns.
// The sandbox returns returnCode 500 with a message that names the lock.
export const LOCKED_NUMBER_MESSAGE = '该单号查询过于频繁，已被锁定，请24小时后再查';

const ERROR_TRIGGERS: ReadonlyMap<string, ErrorTrigger> = new Map<string, ErrorTrigger>([
	[ERROR_TRIGGER_NUMBERS.code400, { kind: 'returnCode', returnCode: '400', message: ERROR_MESSAGES['400'] }],
	[ERROR_TRIGGER_NUMBERS.code408, { kind: 'returnCode', returnCode: '408', message: ERROR_MESSAGES['408'] }],
	[ERROR_TRIGGER_NUMBERS.code500, { kind: 'returnCode', returnCode: '500', message: ERROR_MESSAGES['500'] }],
	[ERROR_TRIGGER_NUMBERS.code501, { kind: 'returnCode', returnCode: '501', message: ERROR_MESSAGES['501'] }],
	[ERROR_TRIGGER_NUMBERS.code502, { kind: 'returnCode', returnCode: '502', message: ERROR_MESSAGES['502'] }],
	[ERROR_TRIGGER_NUMBERS.code503, { kind: 'returnCode', returnCode: '503', message: ERROR_MESSAGES['503'] }],
	[ERROR_TRIGGER_NUMBERS.code601, { kind: 'returnCode', returnCode: '601', message: ERROR_MESSAGES['601'] }],
	[ERROR_TRIGGER_NUMBERS.unknownCode999, { kind: 'returnCode', returnCode: '999', message: '系统内部异常' }],
	[ERROR_TRIGGER_NUMBERS.htmlPage502, { kind: 'htmlPage', httpStatus: 502 }],
	[ERROR_TRIGGER_NUMBERS.malformedJson200, { kind: 'malformedJson', httpStatus: 200 }],
	[ERROR_TRIGGER_NUMBERS.locked, { kind: 'locked' }],
]);

export function findErrorTrigger(number: string): ErrorTrigger | undefined {
	return ERROR_TRIGGERS.get(number);
}

/**
 * `SIM` + 3-digit event count + at least 6 digits of serial, e.g. `SIM020000001` (20 events), or
 * `SIML` + 5-digit event count + serial for large waybills, e.g. `SIML10000000001` (10,000 events).
 */
const SIM_NUMBER_PATTERN = /^SIM(?:(\d{3})|L(\d{5}))(\d{6,})$/;

/** Builds a synthetic number, e.g. `simNumber(20, 1)` -> `SIM020000001`, `simNumber(10000, 1)` -> `SIML10000000001`. */
export function simNumber(eventCount: number, serial: number): string {
	if (!Number.isInteger(eventCount) || eventCount < 0 || eventCount > 99_999) {
		throw new RangeError(`eventCount must be an integer from 0 to 99999, got ${eventCount}`);
	}
	const count = eventCount > 999 ? `L${String(eventCount).padStart(5, '0')}` : String(eventCount).padStart(3, '0');
	return `SIM${count}${String(serial).padStart(6, '0')}`;
}

export function isSimNumber(number: string): boolean {
	return SIM_NUMBER_PATTERN.test(number);
}

/** FNV-1a hash, used to derive a synthetic waybill's route and times from its number. */
function hashString(text: string): number {
	let hash = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		hash ^= text.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193);
	}
	return hash >>> 0;
}

const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** Formats epoch milliseconds as `yyyy-MM-dd HH:mm:ss` in Beijing time. */
export function formatBeijingTime(epochMs: number): string {
	return new Date(epochMs + BEIJING_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** Parses `yyyy-MM-dd HH:mm:ss` Beijing time into epoch milliseconds. */
export function parseBeijingTime(text: string): number {
	return Date.parse(`${text.replace(' ', 'T')}+08:00`);
}

const SIM_BASE_MS = parseBeijingTime('2026-03-01 08:00:00');

/**
 * Generates the synthetic waybill for a `SIM` number and any carrier code: the same number always
 * gives the same events, oldest a pickup, then departures and arrivals along a chain of hubs.
 */
export function simWaybill(number: string, carrier: string): Waybill | undefined {
	const match = SIM_NUMBER_PATTERN.exec(number);
	if (!match) return undefined;

	const eventCount = Number(match[1] ?? match[2]);
	let seed = hashString(number);
	const nextRandom = (): number => {
		seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
		return seed / 0x1_0000_0000;
	};

	const firstHub = seed % HUB_AREA_CODES.length;
	let timeMs = SIM_BASE_MS + (seed % 60) * 86_400_000 + (seed % 12) * 3_600_000;
	const oldestFirst: WaybillEvent[] = [];
	for (let i = 0; i < eventCount; i++) {
		// Each hub gets two events (arrival, departure) after the pickup.
		const areaCode = HUB_AREA_CODES[(firstHub + Math.ceil(i / 2)) % HUB_AREA_CODES.length];
		const area = AREAS.get(areaCode)!;
		const city = cityOf(area);
		const time = formatBeijingTime(timeMs);
		if (i === 0) {
			oldestFirst.push(event(time, '103', areaCode, `【${city}】快件已揽收`, `[${area.cityEn}] Picked up`));
		} else if (i % 2 === 1) {
			oldestFirst.push(event(time, '0', areaCode, `【${city}转运中心】快件已到达`, `[${area.cityEn} transfer centre] Arrived`));
		} else {
			const next = AREAS.get(HUB_AREA_CODES[(firstHub + i / 2 + 1) % HUB_AREA_CODES.length])!;
			oldestFirst.push(
				event(
					time,
					'1002',
					areaCode,
					`【${city}转运中心】已发出，下一站【${cityOf(next)}转运中心】`,
					`[${area.cityEn} transfer centre] Departed, next stop [${next.cityEn} transfer centre]`,
				),
			);
		}
		timeMs += (1 + Math.floor(nextRandom() * 9)) * 3_600_000 + Math.floor(nextRandom() * 3_600) * 1000;
	}

	const events = oldestFirst.reverse();
	return {
		number,
		carrier,
		phone: null,
		acceptsAnyPhone: true,
		state: events.length > 0 ? parentStateOf(events[0].statusCode) : '0',
		ischeck: '0',
		condition: 'F00',
		events,
		fromAreaCode: events.length > 0 ? events[events.length - 1].areaCode : null,
		toAreaCode: null,
		isLoop: false,
		purpose: `synthetic waybill with ${eventCount} events`,
	};
}
