/**
 * Administrative areas of the catalogue's events, in the shape of Kuaidi100's area parsing
 * (resultv2 1 and higher). Each has a 12-digit area code with a `CN` prefix, a comma-separated
 * name, the centre as "longitude,latitude" and the pinyin of the last name part.
 */
export interface Area {
	code: string;
	name: string;
	center: string;
	pinyin: string;
	/** English city name for `lang=en` event texts. */
	cityEn: string;
}

const AREA_LIST: Area[] = [
	{ code: 'CN110000000000', name: '北京', center: '116.407526,39.904030', pinyin: 'bei jing shi', cityEn: 'Beijing' },
	{ code: 'CN110105000000', name: '北京,朝阳区', center: '116.443108,39.921470', pinyin: 'chao yang qu', cityEn: 'Beijing' },
	{ code: 'CN110115000000', name: '北京,大兴区', center: '116.341395,39.726929', pinyin: 'da xing qu', cityEn: 'Beijing' },
	{ code: 'CN310000000000', name: '上海', center: '121.473701,31.230416', pinyin: 'shang hai shi', cityEn: 'Shanghai' },
	{ code: 'CN310115000000', name: '上海,浦东新区', center: '121.544346,31.221461', pinyin: 'pu dong xin qu', cityEn: 'Shanghai' },
	{ code: 'CN320500000000', name: '江苏,苏州市', center: '120.585315,31.298886', pinyin: 'su zhou shi', cityEn: 'Suzhou' },
	{ code: 'CN330100000000', name: '浙江,杭州市', center: '120.155070,30.274084', pinyin: 'hang zhou shi', cityEn: 'Hangzhou' },
	{ code: 'CN330106000000', name: '浙江,杭州市,西湖区', center: '120.130203,30.259324', pinyin: 'xi hu qu', cityEn: 'Hangzhou' },
	{ code: 'CN330782000000', name: '浙江,金华市,义乌市', center: '120.075058,29.306841', pinyin: 'yi wu shi', cityEn: 'Yiwu' },
	{ code: 'CN370200000000', name: '山东,青岛市', center: '120.382639,36.067082', pinyin: 'qing dao shi', cityEn: 'Qingdao' },
	{ code: 'CN370202000000', name: '山东,青岛市,市南区', center: '120.412392,36.075651', pinyin: 'shi nan qu', cityEn: 'Qingdao' },
	{ code: 'CN420100000000', name: '湖北,武汉市', center: '114.305393,30.593099', pinyin: 'wu han shi', cityEn: 'Wuhan' },
	{ code: 'CN420111000000', name: '湖北,武汉市,洪山区', center: '114.343796,30.500247', pinyin: 'hong shan qu', cityEn: 'Wuhan' },
	{ code: 'CN440100000000', name: '广东,广州市', center: '113.264385,23.129112', pinyin: 'guang zhou shi', cityEn: 'Guangzhou' },
	{ code: 'CN440106000000', name: '广东,广州市,天河区', center: '113.361575,23.124807', pinyin: 'tian he qu', cityEn: 'Guangzhou' },
	{ code: 'CN440300000000', name: '广东,深圳市', center: '114.057868,22.543099', pinyin: 'shen zhen shi', cityEn: 'Shenzhen' },
	{ code: 'CN440305000000', name: '广东,深圳市,南山区', center: '113.930478,22.533191', pinyin: 'nan shan qu', cityEn: 'Shenzhen' },
	{ code: 'CN510100000000', name: '四川,成都市', center: '104.066541,30.572269', pinyin: 'cheng du shi', cityEn: 'Chengdu' },
	{ code: 'CN510107000000', name: '四川,成都市,武侯区', center: '104.043390,30.641982', pinyin: 'wu hou qu', cityEn: 'Chengdu' },
];

export const AREAS: ReadonlyMap<string, Area> = new Map(AREA_LIST.map((area) => [area.code, area]));

/** Transfer hubs that synthetic waybills travel through, in route order. */
export const HUB_AREA_CODES: readonly string[] = [
	'CN440100000000',
	'CN420100000000',
	'CN330100000000',
	'CN310000000000',
	'CN320500000000',
	'CN370200000000',
	'CN110000000000',
	'CN510100000000',
	'CN440300000000',
];

/** Short city name for building event texts, e.g. `广东,深圳市,南山区` -> `深圳市`. */
export function cityOf(area: Area): string {
	const parts = area.name.split(',');
	return parts.length === 1 ? `${parts[0]}市` : parts[1];
}
