Component({
  behaviors: ['wx://component-export'],
  externalClasses: ['title-class'],
  options: { multipleSlots: true, styleIsolation: 'apply-shared' },
  properties: { label: String },
  export() {
    return { label: this.data.label, kind: 'cell' };
  },
});
