/**
 * Kuaidi100's status tables: the basic `state` values and the advanced status codes that
 * `resultv2` 4, 6 and 8 put into each event, each with its parent basic state.
 * Source: the state table of Kuaidi100's real-time query documentation.
 */

/** Basic state value -> Chinese name, as Kuaidi100 writes it into `data[].status` at resultv2 1. */
export const BASIC_STATE_NAMES: Readonly<Record<string, string>> = {
	'0': '在途',
	'1': '揽收',
	'2': '疑难',
	'3': '签收',
	'4': '退签',
	'5': '派件',
	'6': '退回',
	'7': '转投',
	'8': '清关',
	'10': '待清关',
	'11': '清关中',
	'12': '已清关',
	'13': '清关异常',
	'14': '拒签',
};

export interface AdvancedStatus {
	name: string;
	parentState: string;
}

/** Advanced status code -> Chinese name and parent basic state. */
export const ADVANCED_STATUSES: Readonly<Record<string, AdvancedStatus>> = {
	'1': { name: '揽收', parentState: '1' },
	'101': { name: '已下单', parentState: '1' },
	'102': { name: '待揽收', parentState: '1' },
	'103': { name: '已揽收', parentState: '1' },
	'0': { name: '在途', parentState: '0' },
	'1001': { name: '到达派件城市', parentState: '0' },
	'1002': { name: '干线', parentState: '0' },
	'1003': { name: '转递', parentState: '0' },
	'5': { name: '派件', parentState: '5' },
	'501': { name: '投柜或驿站', parentState: '5' },
	'3': { name: '签收', parentState: '3' },
	'301': { name: '本人签收', parentState: '3' },
	'302': { name: '派件异常后签收', parentState: '3' },
	'303': { name: '代签', parentState: '3' },
	'304': { name: '投柜或站签收', parentState: '3' },
	'6': { name: '退回', parentState: '6' },
	'4': { name: '退签', parentState: '4' },
	'401': { name: '已销单', parentState: '4' },
	'14': { name: '拒签', parentState: '14' },
	'7': { name: '转投', parentState: '7' },
	'2': { name: '疑难', parentState: '2' },
	'201': { name: '超时未签收', parentState: '2' },
	'202': { name: '超时未更新', parentState: '2' },
	'203': { name: '拒收', parentState: '2' },
	'204': { name: '派件异常', parentState: '2' },
	'205': { name: '柜或驿站超时未取', parentState: '2' },
	'206': { name: '无法联系', parentState: '2' },
	'207': { name: '超区', parentState: '2' },
	'208': { name: '滞留', parentState: '2' },
	'209': { name: '破损', parentState: '2' },
	'210': { name: '销单', parentState: '2' },
	'8': { name: '清关', parentState: '8' },
	'10': { name: '待清关', parentState: '10' },
	'11': { name: '清关中', parentState: '11' },
	'12': { name: '已清关', parentState: '12' },
	'13': { name: '清关异常', parentState: '13' },
};

/** Basic state that Kuaidi100 reports for an event code (the parent state; the code itself when it is unknown). */
export function parentStateOf(statusCode: string): string {
	return ADVANCED_STATUSES[statusCode]?.parentState ?? statusCode;
}

/** Basic Chinese status name for an event code, `null` for a code outside the table. */
export function basicStatusNameOf(statusCode: string): string | null {
	return BASIC_STATE_NAMES[parentStateOf(statusCode)] ?? null;
}

/** Advanced Chinese status name for an event code, `null` for a code outside the table. */
export function advancedStatusNameOf(statusCode: string): string | null {
	return ADVANCED_STATUSES[statusCode]?.name ?? null;
}
