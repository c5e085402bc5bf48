Page({
  data: {
    fruits: [
      { value: 'apple', name: 'Apple', checked: true },
      { value: 'pear', name: 'Pear' },
      { value: 'plum', name: 'Plum' },
    ],
    sizes: [
      { value: 's', name: 'Small' },
      { value: 'm', name: 'Medium', checked: true },
      { value: 'l', name: 'Large' },
    ],
    cities: ['Shanghai', 'Beijing', 'Shenzhen'],
    submitted: '',
    resets: 0,
    lastChange: '',
    agreed: false,
    score: 3,
  },
  onFruitsChange(e) {
    this.setData({ lastChange: 'fruits: ' + e.detail.value.join(',') });
  },
  onSizeChange(e) {
    this.setData({ lastChange: 'size: ' + e.detail.value });
  },
  onAgree(e) {
    this.setData({ agreed: e.detail.value, lastChange: 'agree: ' + e.detail.value });
  },
  onSubmit(e) {
    this.setData({ submitted: JSON.stringify(e.detail.value) });
  },
  onReset() {
    this.setData({ resets: this.data.resets + 1, submitted: '' });
  },
});
