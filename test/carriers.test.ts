import carrierTable from '../nodes/Kuaidi100/data/carriers.json';
import carrierAliases from '../nodes/Kuaidi100/data/carrier-aliases.json';
import {
	formatCarrierName,
	getCarrier,
	PHONE_REQUIRED_CARRIERS,
	resolveCarrier,
	searchCarriers,
} from '../nodes/Kuaidi100/helpers/carriers';

// Expected values below come from Kuaidi100's carrier code table (快递公司编码), export dated
// 2023-08-16: 1,413 carriers, most used first, 689 domestic, 557 international, 167 postal.

const aliasEntries = Object.entries(carrierAliases as Record<string, string>);
const tableCodes = carrierTable.rows.map((row) => row[0]);

function resolvedCode(input: string): string | undefined {
	return resolveCarrier(input).carrier?.code;
}

function suggestedCodes(input: string): string[] {
	const result = resolveCarrier(input);
	if (result.carrier !== undefined) throw new Error(`${input} unexpectedly resolved to ${result.carrier.code}`);
	return result.suggestions.map((carrier) => carrier.code);
}

function searchedCodes(filter: string | undefined, limit: number): string[] {
	return searchCarriers(filter, limit).map((carrier) => carrier.code);
}

describe('carrier table', () => {
	it('has 1413 rows', () => {
		expect(carrierTable.rows).toHaveLength(1413);
		expect(searchCarriers(undefined, Number.POSITIVE_INFINITY)).toHaveLength(1413);
	});

	it('has unique trimmed lower-case codes', () => {
		for (const code of tableCodes) {
			expect(code).toMatch(/^[a-z0-9_]+$/);
		}
		expect(new Set(tableCodes).size).toBe(1413);
	});

	it('keeps the trimmed bridgeexpress code', () => {
		expect(tableCodes).toContain('bridgeexpress');
		expect(getCarrier('bridgeexpress')?.nameZh).toBe('Bridge Express');
	});

	it('is in popularity order', () => {
		expect(tableCodes.slice(0, 9)).toEqual([
			'yuantong',
			'shentong',
			'zhongtong',
			'jtexpress',
			'yunda',
			'youzhengguonei',
			'shunfeng',
			'ems',
			'jd',
		]);
		expect(getCarrier('yuantong')?.rank).toBe(0);
		expect(getCarrier('shunfeng')?.rank).toBe(6);
	});

	it('counts carriers per type', () => {
		const all = searchCarriers('', Number.POSITIVE_INFINITY);
		expect(all.filter((carrier) => carrier.type === 'domestic')).toHaveLength(689);
		expect(all.filter((carrier) => carrier.type === 'international')).toHaveLength(557);
		expect(all.filter((carrier) => carrier.type === 'postal')).toHaveLength(167);
	});

	it('has non-empty Chinese names', () => {
		for (const row of carrierTable.rows) {
			expect(row[1].trim()).not.toBe('');
			expect(row[1]).toBe(row[1].trim());
		}
	});
});

describe('getCarrier', () => {
	it('returns the full row', () => {
		expect(getCarrier('shunfeng')).toEqual({
			code: 'shunfeng',
			nameZh: '顺丰速运',
			nameEn: 'SF Express',
			type: 'international',
			rank: 6,
		});
	});

	it('ignores case and surrounding whitespace', () => {
		expect(getCarrier('SHUNFENG')?.code).toBe('shunfeng');
		expect(getCarrier(' YuanTong ')?.code).toBe('yuantong');
	});

	it('maps an empty English name to null', () => {
		expect(getCarrier('lianhaowuliu')).toMatchObject({ nameZh: '联昊通', nameEn: null });
	});

	it('maps table types', () => {
		expect(getCarrier('yuantong')?.type).toBe('domestic');
		expect(getCarrier('youzhengguonei')?.type).toBe('postal');
		expect(getCarrier('dhl')?.type).toBe('international');
	});

	it('matches codes only', () => {
		expect(getCarrier('SF')).toBeUndefined();
		expect(getCarrier('顺丰')).toBeUndefined();
		expect(getCarrier('')).toBeUndefined();
	});
});

describe('carrier aliases', () => {
	it('point at existing codes', () => {
		for (const [alias, code] of aliasEntries) {
			expect({ alias, exists: tableCodes.includes(code) }).toEqual({ alias, exists: true });
		}
	});

	it('are unique after normalisation', () => {
		const keys = aliasEntries.map(([alias]) => alias.normalize('NFKC').toLowerCase().trim());
		expect(new Set(keys).size).toBe(keys.length);
	});

	it('are not shadowed by a carrier code', () => {
		for (const [alias] of aliasEntries) {
			expect({ alias, code: getCarrier(alias)?.code }).toEqual({ alias, code: undefined });
		}
	});

	it('resolve to their target', () => {
		for (const [alias, code] of aliasEntries) {
			const result = resolveCarrier(alias);
			expect({ alias, code: result.carrier?.code }).toEqual({ alias, code });
			expect(result).toMatchObject({ matchedBy: 'alias' });
		}
	});
});

describe('resolveCarrier', () => {
	it.each([
		['SF', 'shunfeng'],
		['YTO', 'yuantong'],
		['ZTO', 'zhongtong'],
		['STO', 'shentong'],
		['YD', 'yunda'],
		['Yunda', 'yunda'],
		['JD', 'jd'],
		['EMS', 'ems'],
		['J&T', 'jtexpress'],
		['JT', 'jtexpress'],
		['JTExpress', 'jtexpress'],
		['Yuantong', 'yuantong'],
		['顺丰', 'shunfeng'],
		['顺丰速运', 'shunfeng'],
		['圆通', 'yuantong'],
		['中通', 'zhongtong'],
		['申通', 'shentong'],
		['韵达', 'yunda'],
		['京东', 'jd'],
		['极兔', 'jtexpress'],
		['邮政', 'youzhengguonei'],
		['中国邮政', 'youzhengguonei'],
		['德邦', 'debangkuaidi'],
		['百世', 'huitongkuaidi'],
		['菜鸟', 'danniao'],
		['跨越', 'kuayue'],
		['优速', 'youshuwuliu'],
		['宅急送', 'zhaijisong'],
		['天天', 'tiantian'],
	])('maps %s to %s', (input, code) => {
		expect(resolvedCode(input)).toBe(code);
	});

	it('maps 顺丰 to SF Express, not SF Freight', () => {
		expect(resolveCarrier('顺丰')).toMatchObject({ carrier: { code: 'shunfeng' }, matchedBy: 'alias' });
		expect(resolvedCode('顺丰')).not.toBe('shunfengkuaiyun');
	});

	it('reports a code match', () => {
		expect(resolveCarrier('SHUNFENG')).toMatchObject({ carrier: { code: 'shunfeng' }, matchedBy: 'code' });
		expect(resolveCarrier('yuantong')).toMatchObject({ carrier: { code: 'yuantong' }, matchedBy: 'code' });
	});

	it.each([
		['圆通速递', 'yuantong'],
		['中通快递', 'zhongtong'],
		['京东物流', 'jd'],
		['顺丰快运', 'shunfengkuaiyun'],
		['中通快运', 'zhongtongkuaiyun'],
		['德邦快递', 'debangkuaidi'],
		['SF Express', 'shunfeng'],
		['YTO Express', 'yuantong'],
		['Deppon Express', 'debangkuaidi'],
		['BEST Express', 'huitongkuaidi'],
		['China EMS', 'ems'],
		['HongKong Post', 'hkpost'],
		['SF Express 顺丰速运', 'shunfeng'],
	])('maps full name %s to %s', (input, code) => {
		expect(resolveCarrier(input)).toMatchObject({ carrier: { code }, matchedBy: 'name' });
	});

	it('picks the most used carrier for a shared name', () => {
		// jtexpress (rank 3) and jtexpresssg (rank 158) are both named "J&T Express".
		expect(resolvedCode('J&T Express')).toBe('jtexpress');
	});

	it('accepts a short Chinese name', () => {
		expect(resolvedCode('燕文')).toBe('yw56');
		expect(resolvedCode('丰网')).toBe('fengwang');
	});

	it('prefers a full name over a short name', () => {
		// 宜送 (yisong, rank 1399) is a carrier of its own, although 宜送物流 (yiex, rank 626) is more used.
		expect(resolvedCode('宜送')).toBe('yisong');
		expect(resolvedCode('宜送物流')).toBe('yiex');
	});

	it('strips a trailing service word as a fallback', () => {
		expect(resolvedCode('韵达速递')).toBe('yunda');
		expect(resolvedCode('圆通快递')).toBe('yuantong');
		expect(resolvedCode('中通速运')).toBe('zhongtong');
		expect(resolvedCode('EMS快递')).toBe('ems');
		expect(resolvedCode('Yuantong Express')).toBe('yuantong');
	});

	it('normalises full-width input', () => {
		expect(resolvedCode('ＳＦ')).toBe('shunfeng');
		expect(resolvedCode('ＹＴＯ')).toBe('yuantong');
		expect(resolvedCode('１００mexpress')).toBe('100mexpress');
	});

	it('ignores whitespace and punctuation', () => {
		expect(resolvedCode('  sf\n')).toBe('shunfeng');
		expect(resolvedCode('SF   Express')).toBe('shunfeng');
		expect(resolvedCode('J & T')).toBe('jtexpress');
	});

	it('suggests yuantong for yuantog', () => {
		expect(suggestedCodes('yuantog')[0]).toBe('yuantong');
	});

	it('suggests shunfeng first for shunfen', () => {
		expect(suggestedCodes('shunfen')).toEqual([
			'shunfeng',
			'shunfengkuaiyun',
			'shunfenglengyun',
			'shunfenghk',
			'shunfengnl',
		]);
	});

	it('suggests close codes', () => {
		expect(suggestedCodes('fedx')[0]).toBe('fedex');
		expect(suggestedCodes('zhongtog')[0]).toBe('zhongtong');
		expect(suggestedCodes('圆通快')[0]).toBe('yuantong');
	});

	it('ranks a truncated code like a typo', () => {
		// koalaexp (rank 335) starts with "koala", and koali (rank 497) is one letter away.
		expect(suggestedCodes('koala')).toEqual(['koalaexp', 'koali']);
	});

	it('suggests 顺丰 for the homophone 顺风', () => {
		expect(suggestedCodes('顺风')[0]).toBe('shunfeng');
	});

	it('suggests at most five carriers', () => {
		expect(suggestedCodes('shun')).toHaveLength(5);
		expect(suggestedCodes('shun')[0]).toBe('shunfeng');
	});

	it('rejects empty input without suggestions', () => {
		expect(resolveCarrier('   ')).toEqual({ carrier: undefined, suggestions: [] });
	});
});

describe('searchCarriers', () => {
	it('lists the most used carriers without a filter', () => {
		const mostUsed = ['yuantong', 'shentong', 'zhongtong', 'jtexpress', 'yunda'];
		expect(searchedCodes(undefined, 5)).toEqual(mostUsed);
		expect(searchedCodes('', 5)).toEqual(mostUsed);
		expect(searchedCodes('  ', 5)).toEqual(mostUsed);
	});

	it('respects the limit', () => {
		expect(searchCarriers('', 0)).toEqual([]);
		expect(searchCarriers('ems', 2)).toHaveLength(2);
	});

	it('ranks shunfeng first for sf', () => {
		// shunfeng by alias, then names or codes starting with "sf": SF Freight, sfwl, SF Cold Chain.
		expect(searchedCodes('sf', 4)).toEqual(['shunfeng', 'shunfengkuaiyun', 'sfwl', 'shunfenglengyun']);
		expect(searchedCodes('ＳＦ', 1)).toEqual(['shunfeng']);
	});

	it('ranks shunfeng first for 顺丰', () => {
		expect(searchedCodes('顺丰', 5)).toEqual([
			'shunfeng',
			'shunfengkuaiyun',
			'shunfenglengyun',
			'shunfenghk',
			'shunfengnl',
		]);
	});

	it('ranks yuantong first for yto and 圆通', () => {
		expect(searchedCodes('yto', 2)).toEqual(['yuantong', 'yuantongguoji']);
		expect(searchedCodes('圆通', 10)).toEqual(['yuantong', 'yuantongguoji']);
	});

	it('ranks an alias hit before more used prefix hits', () => {
		// 百世 is an alias of BEST Express (百世快递, rank 31). BEST Freight (百世快运, rank 24) is more used but only starts with 百世.
		expect(searchedCodes('百世', 4)).toEqual(['huitongkuaidi', 'baishiwuliu', 'baishiguoji', 'baishiyp']);
		expect(searchedCodes('菜鸟', 5)).toEqual(['danniao']);
	});

	it('ranks jtexpress first for jt', () => {
		expect(searchedCodes('jt', 3)).toEqual(['jtexpress', 'jtexpresssg', 'jtexpresseg']);
	});

	it('ranks the exact ems code first', () => {
		expect(searchedCodes('ems', 3)).toEqual(['ems', 'emsguoji', 'emsbg']);
	});

	it('puts prefix hits before substring hits', () => {
		// 新顺丰（NSF） contains 顺丰 but does not start with it.
		const codes = searchedCodes('顺丰', 50);
		expect(codes.indexOf('nsf')).toBeGreaterThan(codes.indexOf('shunfengnl'));
	});

	it('returns nothing for an unknown filter', () => {
		expect(searchCarriers('qqqqqqqq', 10)).toEqual([]);
	});
});

describe('formatCarrierName', () => {
	it('shows both languages', () => {
		expect(formatCarrierName(getCarrier('shunfeng')!)).toBe('SF Express 顺丰速运');
	});

	it('shows the Chinese name alone without an English name', () => {
		expect(formatCarrierName(getCarrier('lianhaowuliu')!)).toBe('联昊通');
	});

	it('avoids repeating an English name already in the Chinese name', () => {
		expect(formatCarrierName(getCarrier('chinapost')!)).toBe('中国邮政（CHINA POST）');
		expect(formatCarrierName(getCarrier('ups')!)).toBe('UPS');
	});
});

describe('PHONE_REQUIRED_CARRIERS', () => {
	it('lists SF Express, SF Freight and ZTO', () => {
		expect([...PHONE_REQUIRED_CARRIERS].sort()).toEqual(['shunfeng', 'shunfengkuaiyun', 'zhongtong']);
	});

	it('contains existing codes', () => {
		for (const code of PHONE_REQUIRED_CARRIERS) {
			expect(getCarrier(code)?.code).toBe(code);
		}
	});
});
