NAME = 'core'
