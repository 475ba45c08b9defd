// The lever under test: EARLY_CONNECT=0 turns the pools' early connection off (it is on by default).
export const earlyConnect = process.env.EARLY_CONNECT !== '0';
