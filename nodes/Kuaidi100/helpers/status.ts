/**
 * Normalised shipment statuses. Kuaidi100 reports a numeric basic `state` for
 * the shipment and, with Result Detail 4 or 8, an advanced `statusCode` per
 * event. Both map onto these values.
 */
export type ShipmentStatus =
	| 'picked_up'
	| 'in_transit'
	| 'out_for_delivery'
	| 'delivered'
	| 'problem'
	| 'returning'
	| 'returned'
	| 'rejected'
	| 'customs'
	| 'transferred'
	| 'unknown';

/** Status of a waybill that Kuaidi100 has no scans for yet. */
export const NO_INFORMATION = 'no_information';

/** Kuaidi100's basic states (`state`), from its real-time query documentation. */
const STATUS_BY_STATE: Record<string, ShipmentStatus> = {
	'0': 'in_transit', // 在途
	'1': 'picked_up', // 揽收
	'2': 'problem', // 疑难
	'3': 'delivered', // 签收
	'4': 'returned', // 退签: signed for by the sender after a return
	'5': 'out_for_delivery', // 派件
	'6': 'returning', // 退回: on its way back to the sender
	'7': 'transferred', // 转投: handed to another carrier
	'8': 'customs', // 清关
	'10': 'customs', // 待清关
	'11': 'customs', // 清关中
	'12': 'customs', // 已清关
	'13': 'customs', // 清关异常
	'14': 'rejected', // 拒签
};

/**
 * Parent basic state of each advanced status code (resultv2 4 and 8). Codes of
 * one or two digits are basic states themselves.
 */
const PARENT_STATE_BY_ADVANCED_CODE: Record<string, string> = {
	'101': '1', // 已下单 order placed
	'102': '1', // 待揽收 awaiting pickup
	'103': '1', // 已揽收 picked up
	'1001': '0', // 到达派件城市 arrived in the delivery city
	'1002': '0', // 干线 on a trunk route
	'1003': '0', // 转递 re-routed to a new address
	'501': '5', // 投柜或驿站 placed in a locker or pickup station
	'301': '3', // 本人签收 signed by the recipient
	'302': '3', // 派件异常后签收 signed after a failed delivery
	'303': '3', // 代签 signed by someone else
	'304': '3', // 投柜或站签收 collected from a locker or station
	'401': '4', // 已销单 cancelled
	'201': '2', // 超时未签收 not signed in time
	'202': '2', // 超时未更新 no update in time
	'203': '2', // 拒收 refused, awaiting the sender
	'204': '2', // 派件异常 delivery failed
	'205': '2', // 柜或驿站超时未取 not collected from a locker in time
	'206': '2', // 无法联系 recipient unreachable
	'207': '2', // 超区 outside the delivery area
	'208': '2', // 滞留 held
	'209': '2', // 破损 damaged
	'210': '2', // 销单 cancelled
};

/** Maps a basic state or an advanced status code to a normalised status; unknown codes give `unknown`. */
export function statusFromCode(code: string | null | undefined): ShipmentStatus {
	if (code === null || code === undefined) {
		return 'unknown';
	}
	const trimmedCode = String(code).trim();
	const basicState = PARENT_STATE_BY_ADVANCED_CODE[trimmedCode] ?? trimmedCode;
	return STATUS_BY_STATE[basicState] ?? 'unknown';
}

/** Basic state names that Kuaidi100 puts in each event's `status` with Result Detail 1. */
const STATE_BY_NAME: Record<string, string> = {
	在途: '0',
	揽收: '1',
	疑难: '2',
	签收: '3',
	退签: '4',
	派件: '5',
	退回: '6',
	转投: '7',
	转单: '7',
	清关: '8',
	待清关: '10',
	清关中: '11',
	已清关: '12',
	清关异常: '13',
	拒签: '14',
};

/**
 * Normalises one event's status: from its advanced code when Kuaidi100 sent
 * one, else from its basic state name. Returns null when the event carries no
 * status at all (Result Detail off).
 */
export function eventStatus(code: unknown, name: unknown): ShipmentStatus | null {
	if (typeof code === 'string' && code.trim() !== '') {
		return statusFromCode(code);
	}
	if (typeof name === 'string' && name.trim() !== '') {
		const state = STATE_BY_NAME[name.trim()];
		return state === undefined ? 'unknown' : statusFromCode(state);
	}
	return null;
}
