/** Fake Kuaidi100 accounts that the sandbox recognises. None of them exists at Kuaidi100. */
export interface SandboxAccount {
	/** 32-character company id sent as the `customer` form field of the real-time query. */
	customer: string;
	/** Account key: part of the query sign, inside the subscription param, and the detection `key`. */
	key: string;
	/** Salt a subscriber would use for push signatures. */
	salt: string;
}

/** A paid account with every API enabled. */
export const FAKE_ACCOUNT: SandboxAccount = {
	customer: 'CUSTFAKE00000000000000000000000A',
	key: 'K3yFake000',
	salt: 's4ltFake',
};

/** An account whose key has expired: returnCode 601 on query, subscription and carrier detection. */
export const EXPIRED_ACCOUNT: SandboxAccount = {
	customer: 'CUSTEXPD00000000000000000000000B',
	key: 'K3yExpired',
	salt: 's4ltExpd',
};

/**
 * An account without a paid package: query and subscription work, carrier detection returns 601
 * because Kuaidi100 enables detection only for accounts with a paid query or subscription package.
 */
export const FREE_ACCOUNT: SandboxAccount = {
	customer: 'CUSTFREE00000000000000000000000C',
	key: 'K3yFree000',
	salt: 's4ltFree',
};

interface AccountRules {
	account: SandboxAccount;
	expired: boolean;
	detectionEnabled: boolean;
}

const ACCOUNT_RULES: readonly AccountRules[] = [
	{ account: FAKE_ACCOUNT, expired: false, detectionEnabled: true },
	{ account: EXPIRED_ACCOUNT, expired: true, detectionEnabled: false },
	{ account: FREE_ACCOUNT, expired: false, detectionEnabled: false },
];

export function findAccountByCustomer(customer: string): AccountRules | undefined {
	return ACCOUNT_RULES.find((rules) => rules.account.customer === customer);
}

export function findAccountByKey(key: string): AccountRules | undefined {
	return ACCOUNT_RULES.find((rules) => rules.account.key === key);
}
