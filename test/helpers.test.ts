import { createHash } from 'node:crypto';

import { callbackUrlWarnings } from '../nodes/Kuaidi100/helpers/callbackUrl';
import { mapWithConcurrency } from '../nodes/Kuaidi100/helpers/batch';
import { explainFailure, isLockedNumberFailure } from '../nodes/Kuaidi100/helpers/errors';
import { isValidPushSign, signPush, signQuery } from '../nodes/Kuaidi100/helpers/signing';
import { eventStatus, statusFromCode } from '../nodes/Kuaidi100/helpers/status';
import { toBeijingIso } from '../nodes/Kuaidi100/helpers/time';
import { normalisePhone } from '../nodes/Kuaidi100/helpers/validate';

/** Computes the documented MD5 formula independently of the code under test. */
function md5Upper(text: string): string {
	return createHash('md5').update(Buffer.from(text, 'utf8')).digest('hex').toUpperCase();
}

describe('signing', () => {
	it('matches the published query vector', () => {
		const param = '{"com":"yuantong","num":"YT1234567890","phone":"","resultv2":"4","show":"0","order":"desc"}';
		expect(signQuery(param, 'testkey', 'testcustomer')).toBe('00641F2C45BC54C4A7B55528A472A34D');
	});

	it('changes with the formatting of param', () => {
		const spaced = '{"com": "yuantong", "num": "YT1234567890", "phone": "", "resultv2": "4", "show": "0", "order": "desc"}';
		expect(signQuery(spaced, 'testkey', 'testcustomer')).toBe('E7A1C0489B154DB41F8440DD99952DA7');
	});

	it('hashes UTF-8 bytes of Chinese text', () => {
		const param = '{"com":"yuantong","num":"YT7100000000001","from":"广东省深圳市南山区A&B+1号","to":"北京市朝阳区"}';
		expect(signQuery(param, 'K3yFake000', 'CUSTFAKE00000000000000000000000A')).toBe(
			md5Upper(param + 'K3yFake000' + 'CUSTFAKE00000000000000000000000A'),
		);
	});

	it('matches the published push vector', () => {
		const param =
			'{"status":"polling","message":"","lastResult":{"message":"ok","nu":"YT1","ischeck":"0","com":"yuantong","status":"200","state":"0","data":[]}}';
		expect(signPush(param, 'mysalt')).toBe('A21E813A2E2FF1125F37C5AC1B773E54');
	});

	it('accepts either hex case and rejects a flipped character', () => {
		const param = '{"status":"polling","message":"快件已签收，签收人：本人 & + "}';
		const sign = md5Upper(param + 's4ltFake');
		expect(isValidPushSign(param, 's4ltFake', sign)).toBe(true);
		expect(isValidPushSign(param, 's4ltFake', sign.toLowerCase())).toBe(true);
		const flipped = (sign[0] === 'A' ? 'B' : 'A') + sign.slice(1);
		expect(isValidPushSign(param, 's4ltFake', flipped)).toBe(false);
		expect(isValidPushSign(param, 's4ltFake', '')).toBe(false);
		expect(isValidPushSign(param.replace('本人', '他人'), 's4ltFake', sign)).toBe(false);
	});
});

describe('status normalisation', () => {
	it.each([
		['0', 'in_transit'],
		['1', 'picked_up'],
		['2', 'problem'],
		['3', 'delivered'],
		['4', 'returned'],
		['5', 'out_for_delivery'],
		['6', 'returning'],
		['7', 'transferred'],
		['8', 'customs'],
		['10', 'customs'],
		['13', 'customs'],
		['14', 'rejected'],
	])('maps basic state %s to %s', (state, status) => {
		expect(statusFromCode(state)).toBe(status);
	});

	it.each([
		['101', 'picked_up'],
		['103', 'picked_up'],
		['1001', 'in_transit'],
		['1002', 'in_transit'],
		['1003', 'in_transit'],
		['501', 'out_for_delivery'],
		['301', 'delivered'],
		['304', 'delivered'],
		['401', 'returned'],
		['201', 'problem'],
		['210', 'problem'],
	])('maps advanced code %s to its parent %s', (code, status) => {
		expect(statusFromCode(code)).toBe(status);
	});

	it('keeps unknown codes unknown', () => {
		expect(statusFromCode('99')).toBe('unknown');
		expect(statusFromCode('9')).toBe('unknown');
		expect(statusFromCode(undefined)).toBe('unknown');
	});

	it('reads event status from code, then name', () => {
		expect(eventStatus('1002', '干线')).toBe('in_transit');
		expect(eventStatus(undefined, '签收')).toBe('delivered');
		expect(eventStatus(null, '派件')).toBe('out_for_delivery');
		expect(eventStatus(undefined, '新状态')).toBe('unknown');
		expect(eventStatus(undefined, undefined)).toBeNull();
	});
});

describe('Beijing time', () => {
	it('adds +08:00 whatever the local zone', () => {
		expect(toBeijingIso('2026-05-01 23:30:00')).toBe('2026-05-01T23:30:00+08:00');
		expect(toBeijingIso('2026-05-01 23:30')).toBe('2026-05-01T23:30:00+08:00');
	});

	it('returns null for other shapes', () => {
		expect(toBeijingIso('2026/05/01 23:30:00')).toBeNull();
		expect(toBeijingIso('')).toBeNull();
		expect(toBeijingIso(null)).toBeNull();
		expect(toBeijingIso(1714577400000)).toBeNull();
	});
});

describe('phone normalisation', () => {
	it('keeps the 4 digits after the dash of a virtual number', () => {
		expect(normalisePhone('13800000000-1234')).toBe('1234');
		expect(normalisePhone('138****0000-5678')).toBe('5678');
	});

	it('strips whitespace from ordinary numbers', () => {
		expect(normalisePhone(' 138 0000 1234 ')).toBe('13800001234');
		expect(normalisePhone('1234')).toBe('1234');
		expect(normalisePhone(undefined)).toBe('');
	});
});

describe('callback URL warnings', () => {
	const warningsFor = (url: string) => callbackUrlWarnings(new URL(url));

	it('warns about n8n test URLs', () => {
		expect(warningsFor('http://n8n.example.com/webhook-test/abc/kuaidi100').join(' ')).toContain('/webhook-test/');
	});

	it.each([
		'http://localhost:5678/webhook/x',
		'http://localhost.:5678/webhook/x',
		'http://127.0.0.1/webhook/x',
		'http://[::1]:5678/webhook/x',
		'http://[::ffff:127.0.0.1]/webhook/x',
	])(
		'warns about loopback %s',
		(url) => {
			expect(warningsFor(url).join(' ')).toContain('WEBHOOK_URL');
		},
	);

	it.each([
		'http://10.1.2.3/webhook/x',
		'http://172.20.0.5/webhook/x',
		'http://192.168.1.10/webhook/x',
		'http://100.64.0.7/webhook/x',
		'http://[fd00::1]/webhook/x',
	])(
		'warns about private address %s',
		(url) => {
			expect(warningsFor(url).join(' ')).toContain('private address');
		},
	);

	it('accepts a public production URL', () => {
		expect(warningsFor('http://n8n.example.com/webhook/abc/kuaidi100')).toEqual([]);
		expect(warningsFor('http://172.32.0.1/webhook/x')).toEqual([]);
	});

	it('mentions that https needs enabling', () => {
		expect(warningsFor('https://n8n.example.com/webhook/abc').join(' ')).toContain('https');
	});
});

describe('locked number detection', () => {
	it('recognises lock messages but not no-result', () => {
		expect(isLockedNumberFailure({ returnCode: '500', message: '该单号查询次数过多，已被锁定' })).toBe(true);
		expect(isLockedNumberFailure({ returnCode: '500', message: '查询无结果，请隔段时间再查' })).toBe(false);
	});
});

describe('mapWithConcurrency', () => {
	it('keeps index order and respects the limit', async () => {
		let running = 0;
		let peak = 0;
		const results = await mapWithConcurrency(20, 4, async (index) => {
			running++;
			peak = Math.max(peak, running);
			await new Promise((resolve) => setImmediate(resolve));
			// Later indexes finish first, so order comes from the index, not completion.
			await new Promise((resolve) => setTimeout(resolve, (20 - index) % 5));
			running--;
			return index * 2;
		});
		expect(results).toEqual(Array.from({ length: 20 }, (_, index) => index * 2));
		expect(peak).toBe(4);
	});

	it('starts nothing new after a stop', async () => {
		const started: number[] = [];
		let stop = false;
		await mapWithConcurrency(
			10,
			2,
			async (index) => {
				started.push(index);
				if (index === 3) stop = true;
				return index;
			},
			() => stop,
		);
		expect(started.length).toBeLessThan(10);
		expect(started).toContain(3);
	});
});

describe('failure explanations', () => {
	it('treats 502 as busy on every endpoint', () => {
		for (const endpoint of ['query', 'subscribe', 'detect'] as const) {
			expect(explainFailure(endpoint, { returnCode: '502', message: '服务器繁忙' }).summary).toBe('Kuaidi100 is busy');
		}
	});

	it('names unknown codes', () => {
		expect(explainFailure('query', { returnCode: '999', message: '' }).summary).toBe('Kuaidi100 returned an unexpected return code');
	});
});
