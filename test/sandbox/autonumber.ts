/**
 * `/autonumber/auto`, Kuaidi100's carrier detection without a signature. `key` and `num` come in the
 * query string (Java and Node demos, empty form) or as form fields (Python and PHP demos).
 * Success is a JSON array of candidates, best first. Failure is the usual
 * `{returnCode, message, result:false}` object.
 */
import { findAccountByKey } from './accounts';
import { carrierNameOf } from './carriers';
import { detectCarriers } from './detection';
import { errorReply, jsonReply, type EndpointReply, type EndpointRequest, type ReplyContext } from './replies';

// Texts of Kuaidi100's detection documentation (error example and code table).
export const DETECTION_MESSAGES = {
	keyMissing: 'key缺失',
	keyExpired: 'POLL: KEY 已过期',
	invalidNumber: '不是有效的快递单号',
} as const;

export function handleAutonumber(request: EndpointRequest): EndpointReply {
	const context: ReplyContext = { param: null, signValid: null };
	const key = request.query.key || request.form.key || '';
	const num = request.query.num ?? request.form.num ?? '';

	if (key === '') return errorReply('701', DETECTION_MESSAGES.keyMissing, context);
	// Kuaidi100 documents 601 for an expired key and for an account without detection. The sandbox
	// returns the same for an unknown key.
	const account = findAccountByKey(key);
	if (!account || account.expired || !account.detectionEnabled) return errorReply('601', DETECTION_MESSAGES.keyExpired, context);

	const detection = detectCarriers(num);
	if (!detection.valid) return errorReply('201', DETECTION_MESSAGES.invalidNumber, context);

	const candidates = detection.carriers.map((comCode) => ({ lengthPre: num.length, comCode, name: carrierNameOf(comCode) }));
	return jsonReply(candidates, null, context);
}
