const DISHES = { Noodles: ['Beef', 'Dan dan', 'Zhajiang'], Rice: ['Fried', 'Claypot'] };

Page({
  data: {
    countries: [{ id: 'cn', name: 'China' }, { id: 'jp', name: 'Japan' }, { id: 'fr', name: 'France' }],
    countryIndex: 0,
    menu: [Object.keys(DISHES), DISHES.Noodles],
    menuIndex: [0, 0],
    columnLog: '',
    time: '09:30',
    month: '2024-05',
    date: '2024-02-10',
    region: ['广东省', '广州市', '海珠区'],
    regionCode: '',
    cancelled: 0,
    years: [2022, 2023, 2024, 2025],
    months: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
    viewValue: [1, 0],
    viewText: '2023-1',
  },
  onCountry(e) {
    this.setData({ countryIndex: Number(e.detail.value) });
  },
  onMenuColumn(e) {
    const { column, value } = e.detail;
    this.setData({ columnLog: `column ${column} -> ${value}` });
    if (column === 0) {
      const kind = this.data.menu[0][value];
      this.setData({ 'menu[1]': DISHES[kind] });
    }
  },
  onMenu(e) {
    this.setData({ menuIndex: e.detail.value });
  },
  onTime(e) {
    this.setData({ time: e.detail.value });
  },
  onMonth(e) {
    this.setData({ month: e.detail.value });
  },
  onDate(e) {
    this.setData({ date: e.detail.value });
  },
  onRegion(e) {
    this.setData({ region: e.detail.value, regionCode: e.detail.code.join('/') });
  },
  onCancel() {
    this.setData({ cancelled: this.data.cancelled + 1 });
  },
  onView(e) {
    const [y, m] = e.detail.value;
    this.setData({ viewValue: e.detail.value, viewText: `${this.data.years[y]}-${this.data.months[m]}` });
  },
});
