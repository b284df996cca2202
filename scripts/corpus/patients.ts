import type { Random } from './random.ts';

/**
 * The fake people of the corpus. Every string here is an identity the de-identifier must remove;
 * they are written in each patient's own character set and in the forms people type them.
 * Names follow PS3.5 §6.2.1 (family^given^middle^prefix^suffix, groups alphabetic=ideographic=phonetic).
 */

/** Staff who appear in the header and the report: every one of them is an identity too. */
export interface Staff {
  referring: string;
  performing: string;
  reading: string;
  operator: string;
  requesting: string;
}

/** Where the images were made: Retain Institution/Device Identity are off in every preset. */
export interface Site {
  institution: string;
  address: string;
  department: string;
  station: string;
  serial: string;
  /** Timezone Offset From UTC (0008,0201). */
  tz: string;
}

/** A patient and everything that identifies them. */
export interface Patient {
  /** Short key used in the manifest. */
  key: string;
  /** The CD's folder for this patient: name and birth date, as careless exporters do. */
  folder: string;
  /** Specific Character Set (0008,0005) of this patient's files. */
  charset: string;
  name: string;
  /** Other Patient Names (0010,1001): the ASCII transliteration a second system used. */
  otherNames: string;
  mothersBirthName: string;
  id: string;
  otherIds: string[];
  issuer: string;
  medicalRecordLocator: string;
  birthDate: string;
  birthTime: string;
  sex: 'M' | 'F';
  size: number;
  weight: number;
  address: string;
  phone: string;
  occupation: string;
  /** How a clinician writes the name in free text (all derivable from the header names). */
  textName: string;
  /** The birth date as people write it, including YYYYMMDD; each is injected somewhere. */
  birthDateForms: string[];
  site: Site;
  staff: Staff;
}

const dateForms = (d: string, native?: string): string[] => {
  const [y, m, day] = [d.slice(0, 4), d.slice(4, 6), d.slice(6, 8)];
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][Number(m) - 1]!;
  const forms = [d, `${y}-${m}-${day}`, `${day}.${m}.${y}`, `${m}/${day}/${y}`, `${Number(day)} ${mon} ${y}`];
  return native ? [...forms, native] : forms;
};

/** The six patients. Seeded parts (ID digits) differ per seed so nothing can be hard-coded. */
export const patients = (rng: Random): Patient[] => [
  {
    key: 'mueller',
    folder: 'MUELLER_19610412',
    charset: 'ISO_IR 100',
    name: 'MÜLLER^JÖRG',
    otherNames: 'MUELLER^JOERG',
    mothersBirthName: 'HUBERBAUER^ROSWITHA',
    id: `MJ-${rng.digits(4)}-${rng.digits(4)}`,
    otherIds: [`KH${rng.digits(8)}`, `AOK-Q${rng.digits(9)}`],
    issuer: 'KLINIKUM ST. ELSEWHERE PID',
    medicalRecordLocator: `ARCHIV-B7-${rng.digits(5)}`,
    birthDate: '19610412',
    birthTime: '073000',
    sex: 'M',
    size: 1.82,
    weight: 84,
    address: 'Lindwurmstraße 12, 80337 München',
    phone: '+49 89 4400-1234',
    occupation: 'Braumeister',
    textName: 'Jörg Müller',
    birthDateForms: dateForms('19610412'),
    site: {
      institution: 'Klinikum St. Elsewhere',
      address: 'Elsewhere-Allee 1, 80999 München',
      department: 'Neuroradiologie Haus 7',
      station: 'CTNEURO7',
      serial: 'SN-88-4711-X',
      tz: '+0100',
    },
    staff: {
      referring: 'HAUSARZT^HEINZ^^DR. MED.',
      performing: 'RÖNTGENFELD^RITA',
      reading: 'BEFUNDERMANN^BERNHARD^^PROF. DR.',
      operator: 'TECHNIKUS^TABEA',
      requesting: 'ZUWEISER^ZACHARIAS',
    },
  },
  {
    key: 'yamada',
    folder: 'YAMADA_19750823',
    charset: '\\ISO 2022 IR 87',
    name: 'Yamada^Tarou=山田^太郎=やまだ^たろう',
    otherNames: 'YAMADA^TAROU',
    mothersBirthName: 'Suzuka^Hanako=鈴鹿^花子=すずか^はなこ',
    id: `JP${rng.digits(8)}`,
    otherIds: [`TKY-${rng.digits(7)}`],
    issuer: 'TOKYO SAKURA HOSP',
    medicalRecordLocator: `KARTE-${rng.digits(6)}`,
    birthDate: '19750823',
    birthTime: '141500',
    sex: 'M',
    size: 1.71,
    weight: 68,
    address: '東京都新宿区西新宿2-8-1',
    phone: '+81 3-5321-1111',
    occupation: '会社員',
    textName: '山田太郎',
    birthDateForms: dateForms('19750823', '1975年8月23日'),
    site: {
      institution: '東京さくら病院',
      address: '東京都中央区築地5-1-1',
      department: '放射線診断科',
      station: 'MRTKY01',
      serial: 'JPN-SN-20931',
      tz: '+0900',
    },
    staff: {
      referring: 'Tanakamura^Ichiro=田中村^一郎',
      performing: 'Satomi^Hanae=里見^花江',
      reading: 'Kobayashi^Kenji=小林^健二',
      operator: 'Ishikawa^Yui=石川^結衣',
      requesting: 'Watanabe^Shinji=渡辺^真司',
    },
  },
  {
    key: 'hong',
    folder: 'HONG_19820305',
    charset: '\\ISO 2022 IR 149',
    name: 'Hong^Gildong=洪^吉洞=홍^길동',
    otherNames: 'HONG^KILDONG',
    mothersBirthName: 'Kimhae^Minji=金^敏智=김^민지',
    id: `KR${rng.digits(8)}`,
    otherIds: [`SNU-${rng.digits(7)}`],
    issuer: 'SEOUL HANBIT HOSP',
    medicalRecordLocator: `CHART-${rng.digits(6)}`,
    birthDate: '19820305',
    birthTime: '093000',
    sex: 'M',
    size: 1.75,
    weight: 72,
    address: '서울특별시 종로구 세종대로 209',
    phone: '+82 2-2100-1234',
    occupation: '공무원',
    textName: '홍길동',
    birthDateForms: dateForms('19820305', '1982년 3월 5일'),
    site: {
      institution: '서울한빛병원',
      address: '서울특별시 중구 을지로 245',
      department: '영상의학과',
      station: 'SCSEOUL2',
      serial: 'KR-SN-55120',
      tz: '+0900',
    },
    staff: {
      referring: 'Parkson^Jisung=朴^智星=박^지성',
      performing: 'Choi^Soyeon=崔^昭姸=최^소연',
      reading: 'Jeong^Minho=鄭^敏浩=정^민호',
      operator: 'Kang^Daein=姜^大仁=강^대인',
      requesting: 'Yoon^Seojin=尹^瑞振=윤^서진',
    },
  },
  {
    key: 'wang',
    folder: 'WANG_19901117',
    charset: 'GB18030',
    name: 'Wang^XiaoDong=王^小东',
    otherNames: 'WANG^XIAODONG',
    mothersBirthName: 'Liufang^Meihua=刘^美华',
    id: `CN${rng.digits(8)}`,
    otherIds: [`BJ-${rng.digits(8)}`],
    issuer: 'BEIJING CHENGUANG',
    medicalRecordLocator: `BINGAN-${rng.digits(6)}`,
    birthDate: '19901117',
    birthTime: '220500',
    sex: 'M',
    size: 1.78,
    weight: 70,
    address: '北京市朝阳区建国路88号',
    phone: '+86 10 6512 3456',
    occupation: '软件工程师',
    textName: '王小东',
    birthDateForms: dateForms('19901117', '1990年11月17日'),
    site: {
      institution: '北京晨光医院',
      address: '北京市东城区帅府园1号',
      department: '放射科三病区',
      station: 'XABEIJ3',
      serial: 'CN-SN-88231',
      tz: '+0800',
    },
    staff: {
      referring: 'Zhaolei^Minglei=赵^明磊',
      performing: 'Chenjing^Jingyue=陈^静月',
      reading: 'Huang^Wukong=黄^悟空',
      operator: 'Zhou^Minmin=周^敏敏',
      requesting: 'Qian^Duoduo=钱^多多',
    },
  },
  {
    key: 'zhang',
    folder: 'ZHANG_19580630',
    charset: '\\ISO 2022 IR 58',
    name: 'Zhang^Jianguo=张^建国',
    otherNames: 'ZHANG^JIANGUO',
    mothersBirthName: 'Limeilin^Meilin=李^美林',
    id: `SH${rng.digits(8)}`,
    otherIds: [`SHZL-${rng.digits(7)}`],
    issuer: 'SHANGHAI DONGFANG ONC',
    medicalRecordLocator: `ZHULIAO-${rng.digits(6)}`,
    birthDate: '19580630',
    birthTime: '060000',
    sex: 'M',
    size: 1.69,
    weight: 77,
    address: '上海市徐汇区淮海中路1000号',
    phone: '+86 21 6431 7788',
    occupation: '退休教师',
    textName: '张建国',
    birthDateForms: dateForms('19580630', '1958年6月30日'),
    site: {
      institution: '上海东方肿瘤医院',
      address: '上海市黄浦区瑞金二路197号',
      department: '放疗科二病区',
      station: 'CTSIMSH1',
      serial: 'SH-SN-70044',
      tz: '+0800',
    },
    staff: {
      referring: 'Wuhaoran^Haoran=吴^浩然',
      performing: 'Xuling^Lingling=徐^玲玲',
      reading: 'Gaofeng^Fengshan=高^峰山',
      operator: 'Maxiaoyan^Xiaoyan=马^晓燕',
      requesting: 'Tangwei^Weiwei=唐^伟伟',
    },
  },
  {
    key: 'novakova',
    folder: 'RUZENA_19701122',
    charset: 'ISO_IR 192',
    name: 'Nováková^Růžena',
    otherNames: 'NOVAKOVA^RUZENA',
    mothersBirthName: 'Dvořáková^Božena',
    id: `CZ${rng.digits(8)}`,
    otherIds: [`VZP-${rng.digits(10)}`],
    issuer: 'FN JINDE PRAHA',
    medicalRecordLocator: `KARTA-${rng.digits(6)}`,
    birthDate: '19701122',
    birthTime: '112000',
    sex: 'F',
    size: 1.66,
    weight: 61,
    address: 'Křižíkova 148/34, 186 00 Praha 8',
    phone: '+420 222 123 456',
    occupation: 'Účetní',
    textName: 'Růžena Nováková',
    birthDateForms: dateForms('19701122'),
    site: {
      institution: 'Fakultní nemocnice Jinde',
      address: 'Vídeňská 800, 140 59 Praha 4',
      department: 'Radiodiagnostická klinika',
      station: 'MRPRAHA4',
      serial: 'CZ-SN-31337',
      tz: '+0100',
    },
    staff: {
      referring: 'Černý^Jiří^^MUDr.',
      performing: 'Šťastná^Eliška',
      reading: 'Procházka^Tomáš^^doc. MUDr.',
      operator: 'Kučerová^Lenka',
      requesting: 'Dvořák^Antonín^^MUDr.',
    },
  },
];
